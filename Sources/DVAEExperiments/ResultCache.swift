import DVAE
import Foundation

/// A directory of finished table cells: `<key>.json` (an `ExperimentResult`) and
/// `<key>.safetensors` (its trained model) per configuration, where `<key>` is
/// `ExperimentConfig.key`.
///
/// Re-running a notebook reuses finished cells; separate processes (or machines sharing the
/// directory) can compute different cells and `all()` gathers them afterwards. Writes are atomic
/// (temporary file + rename), so a reader never sees half a file and a killed process leaves no
/// corrupt result. A cell is computed only under its `CellClaim` (`<key>.lock`, an `flock`), so
/// two processes never compute the *same* cell at once; sweeps add `<key>.sweep` (handed to a
/// task) and `<key>.failed` (a task failed on it) records, see `status(of:)`.
/// Bad files are never fatal: `probe` reports them as `unusable` and `scan` lists them with a
/// reason; `ExperimentRunner` moves an unusable entry aside (`setAside`: `<key>.json.rejected`),
/// reports it with its reason and recomputes the cell, so nothing is lost or replaced silently. A run interrupted between epochs may leave `<key>.partial.safetensors`, which
/// `ExperimentRunner` resumes from and deletes once the cell is finished.
public struct ResultCache: Sendable {
    /// The cache directory (created by `init` when missing).
    public let directory: String

    /// A cache in `directory`, creating it (and its parents) when missing; throws
    /// `ExperimentError.io` when that fails or the path is not a directory.
    public init(directory: String) throws {
        let trimmed = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        self.directory = trimmed
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: trimmed, isDirectory: &isDir) {
            guard isDir.boolValue else { throw ExperimentError.io(path: trimmed, reason: "not a directory") }
            return
        }
        // Name the part in the way (a file where a directory is needed) instead of Foundation's
        // NSCocoaErrorDomain text.
        var prefix = trimmed.hasPrefix("/") ? "" : "."
        for part in trimmed.split(separator: "/") {
            prefix += "/" + part
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: prefix, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else {
                    throw ExperimentError.io(path: trimmed, reason: "cannot create the cache directory: \(prefix) is a file, not a directory")
                }
                continue
            }
            do {
                try FileManager.default.createDirectory(atPath: prefix, withIntermediateDirectories: false)
            } catch {
                throw ExperimentError.io(path: trimmed, reason: "cannot create the cache directory \(prefix): "
                                         + ((error as NSError).localizedFailureReason ?? "permission denied or read-only file system"))
            }
        }
    }

    /// The result file of `config`: `<directory>/<key>.json`.
    public func resultPath(for config: ExperimentConfig) -> String { path(config.key + ".json") }

    /// The trained model of `config`: `<directory>/<key>.safetensors`.
    public func checkpointPath(for config: ExperimentConfig) -> String { path(checkpointFileName(for: config)) }

    /// The resumable state of an interrupted run: `<directory>/<key>.partial.safetensors`.
    public func partialCheckpointPath(for config: ExperimentConfig) -> String { path(config.key + ".partial.safetensors") }

    /// The progress of an unfinished run: `<directory>/progress/<key>.json` (a `CellProgress`,
    /// written with each partial checkpoint, removed when the cell finishes). In a subfolder so
    /// `scan()` never mistakes it for a result.
    public func progressPath(for config: ExperimentConfig) -> String { path("progress/" + config.key + ".json") }

    /// Writes `progress` atomically to `progressPath(for:)`, creating the folder when missing.
    public func storeProgress(_ progress: CellProgress) throws {
        let file = progressPath(for: progress.config)
        do {
            try FileManager.default.createDirectory(atPath: path("progress"), withIntermediateDirectories: true)
            try writeFileAtomically([UInt8](try ExperimentJSON.fileEncoder().encode(progress)) + [0x0A], to: file)
        } catch {
            throw ExperimentError.io(path: file, reason: "cannot write the progress file: \(error)")
        }
    }

    /// Deletes the progress file of `config`, and the `progress` folder once it is empty.
    public func removeProgress(of config: ExperimentConfig) {
        try? FileManager.default.removeItem(atPath: progressPath(for: config))
        _ = rmdir(path("progress"))   // fails, harmlessly, while other cells' progress remains
    }

    /// The progress recorded for `config` (an unfinished run's curve so far), or nil when there is
    /// none or it is unreadable or belongs to another configuration.
    public func progress(of config: ExperimentConfig) -> CellProgress? {
        guard let data = FileManager.default.contents(atPath: progressPath(for: config)),
              let p = try? ExperimentJSON.decoder().decode(CellProgress.self, from: data),
              p.key == config.key, p.config == config else { return nil }
        return p
    }

    /// The checkpoint's file name, relative to the directory (stored in `ExperimentResult.checkpointFile`).
    public func checkpointFileName(for config: ExperimentConfig) -> String { config.key + ".safetensors" }

    /// The finished result of exactly `config` (marked `cached`), or nil — a miss, or an unusable
    /// file (see `probe(_:)` for the reason).
    public func lookup(_ config: ExperimentConfig) -> ExperimentResult? { probe(config).result }

    /// What the cache holds for `config`: a hit, a miss, or an unusable file with the reason.
    /// A hit requires a readable file of the current format whose stored configuration equals
    /// `config` exactly.
    ///
    /// A result written before keys recorded the data (`dataDigest` nil) is adopted once: when
    /// `config` has a digest, misses, and the directory holds a result of the same configuration
    /// without one, that result is stored again under `config`'s key (with the digest, its model
    /// file kept) and its old file removed — the name was all such a cell knew of its data.
    public func probe(_ config: ExperimentConfig) -> CacheLookup {
        let file = resultPath(for: config)
        guard FileManager.default.fileExists(atPath: file) else { return adoptLegacy(config) ?? .miss }
        switch read(file, expectedKey: config.key) {
        case .failure(let u):
            return .unusable(path: file, reason: u.reason)
        case .success(let result):
            guard result.config == config else {
                return .unusable(path: file, reason: "the stored configuration differs from the requested one "
                                 + "(hash collision or changed key format): stored \(result.config)")
            }
            return .hit(result)
        }
    }

    /// Moves an unusable file aside to `<file>.rejected` (or `.rejected-2`, `-3`, … when taken),
    /// keeping it for inspection; returns the new path, or nil when the rename failed.
    public func setAside(_ file: String) -> String? {
        let fm = FileManager.default
        var target = file + ".rejected"
        var n = 2
        while fm.fileExists(atPath: target) && n < 1000 { target = file + ".rejected-\(n)"; n += 1 }
        return (try? fm.moveItem(atPath: file, toPath: target)) != nil ? target : nil
    }

    /// The hit of `config` from a result stored before keys recorded the data, moved under
    /// `config`'s key (see `probe`); nil when there is none.
    private func adoptLegacy(_ config: ExperimentConfig) -> CacheLookup? {
        guard config.dataDigest != nil else { return nil }
        var legacy = config
        legacy.dataDigest = nil
        let old = resultPath(for: legacy)
        guard FileManager.default.fileExists(atPath: old), case .success(var result) = read(old, expectedKey: legacy.key),
              result.config == legacy else { return nil }
        let checkpoint = result.checkpointFile
        result.config = config
        result.checkpointFile = checkpoint
        guard (try? store(result)) != nil else { return nil }
        try? FileManager.default.removeItem(atPath: old)
        result.key = config.key
        result.cached = true
        result.checkpointPath = checkpoint.map(path).flatMap { FileManager.default.fileExists(atPath: $0) ? $0 : nil }
        return .hit(result)
    }

    /// Writes `result` to `<key>.json` atomically (replacing any previous file); `key` and
    /// `formatVersion` are set from the configuration and this build. Throws `ExperimentError.io`.
    public func store(_ result: ExperimentResult) throws {
        var r = result
        r.key = r.config.key
        r.formatVersion = ExperimentResult.currentFormatVersion
        let file = resultPath(for: r.config)
        let data: Data
        do {
            data = try ExperimentJSON.fileEncoder().encode(r)
        } catch {
            throw ExperimentError.io(path: file, reason: "cannot encode the result: \(error)")
        }
        do {
            try writeFileAtomically([UInt8](data) + [0x0A], to: file)
        } catch {
            throw ExperimentError.io(path: file, reason: "\(error)")
        }
    }

    /// Every readable result in the directory (each marked `cached`), in file-name order;
    /// unusable files are skipped (see `scan()` for the reasons).
    public func all() -> [ExperimentResult] { scan().results }

    /// Reads every `*.json` file in the directory (hidden temporary files excluded): the results,
    /// and each skipped file with its reason. Never throws; an unreadable directory is reported
    /// as one skipped entry.
    public func scan() -> ResultCacheScan {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            return ResultCacheScan(results: [], skipped: [.init(path: directory, reason: "cannot list the directory: \(error.localizedDescription)")])
        }
        var results: [ExperimentResult] = []
        var skipped: [ResultCacheScan.Skipped] = []
        for name in names.sorted() where name.hasSuffix(".json") && !name.hasPrefix(".") {
            let file = path(name)
            switch read(file, expectedKey: String(name.dropLast(".json".count))) {
            case .success(let r): results.append(r)
            case .failure(let u): skipped.append(.init(path: file, reason: u.reason))
            }
        }
        return ResultCacheScan(results: results, skipped: skipped)
    }

    /// Deletes the result, checkpoint and partial checkpoint of `config` (missing files are fine).
    public func remove(_ config: ExperimentConfig) {
        for p in [resultPath(for: config), checkpointPath(for: config), partialCheckpointPath(for: config)] {
            try? FileManager.default.removeItem(atPath: p)
        }
        removeProgress(of: config)
    }

    /// The trained model of a result: built from its configuration and restored from its
    /// checkpoint (`checkpointPath`, or `checkpointFile` in this directory). Throws
    /// `ExperimentError.io` when the result has no checkpoint, or the checkpoint's error when it
    /// cannot be read or does not fit.
    public func loadModel(for result: ExperimentResult) throws -> VAEModel {
        guard let file = result.checkpointPath ?? result.checkpointFile.map(path) else {
            throw ExperimentError.io(path: resultPath(for: result.config), reason: "the result has no saved model")
        }
        let model = VAEModel(config: result.config.model, seed: result.config.seed)
        try Checkpoint.load(from: file).restore(into: model.parameters)
        return model
    }

    // MARK: - Reading one file

    /// Why a file cannot be used.
    private struct Unusable: Error { var reason: String }

    /// Only the version field, read first so a file of another layout gets a clear reason.
    private struct Header: Decodable { var formatVersion: Int? }

    /// Reads and checks one result file; `expectedKey` is its file-name stem.
    private func read(_ file: String, expectedKey: String) -> Result<ExperimentResult, Unusable> {
        func bad(_ reason: String) -> Result<ExperimentResult, Unusable> { .failure(Unusable(reason: reason)) }
        guard let data = FileManager.default.contents(atPath: file) else {
            return bad("cannot read the file")
        }
        let decoder = ExperimentJSON.decoder()
        let header: Header
        do {
            header = try decoder.decode(Header.self, from: data)
        } catch {
            return bad("not valid JSON: \(Self.describe(error))")
        }
        guard let version = header.formatVersion else { return bad("not a dvae result file (no formatVersion)") }
        guard version == ExperimentResult.currentFormatVersion else {
            return bad("result format version \(version); this build reads version \(ExperimentResult.currentFormatVersion)")
        }
        var result: ExperimentResult
        do {
            result = try decoder.decode(ExperimentResult.self, from: data)
        } catch {
            return bad("malformed result: \(Self.describe(error))")
        }
        let key = result.config.key
        guard key == expectedKey, result.key == expectedKey else {
            return bad("key mismatch: file name \(expectedKey), stored key \(result.key), "
                            + "key of the stored configuration \(key) (renamed file or changed key format)")
        }
        result.cached = true
        if let name = result.checkpointFile, FileManager.default.fileExists(atPath: path(name)) {
            result.checkpointPath = path(name)
        }
        return .success(result)
    }

    private func path(_ name: String) -> String { directory == "/" ? "/" + name : directory + "/" + name }

    /// A short description of a decoding error (the coding path and the message).
    private static func describe(_ error: Error) -> String {
        guard let e = error as? DecodingError else { return "\(error)" }
        func at(_ context: DecodingError.Context) -> String {
            let p = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return (p.isEmpty ? "" : "at \(p): ") + context.debugDescription
        }
        switch e {
        case .dataCorrupted(let c): return at(c)
        case .keyNotFound(let k, let c): return "missing '\(k.stringValue)' " + at(c)
        case .typeMismatch(_, let c), .valueNotFound(_, let c): return at(c)
        @unknown default: return "\(e)"
        }
    }
}
