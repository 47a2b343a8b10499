import DVAE
import Foundation

/// The machine a result was computed on (from `ProcessInfo`), so gathered cells can be told apart
/// and wall times compared fairly.
public struct MachineDescription: Codable, Equatable, Sendable {
    /// The host name.
    public var hostname: String
    /// Processor cores in the machine.
    public var cores: Int
    /// Cores available to the process.
    public var activeCores: Int
    /// The operating system's version string.
    public var operatingSystem: String
    /// Physical memory in bytes.
    public var memoryBytes: UInt64
    /// The engine's worker threads (`ComputeThreads.count`) when the result was computed; nil in
    /// results written before it was recorded.
    public var workerThreads: Int?

    /// A description with the given fields.
    public init(hostname: String, cores: Int, activeCores: Int, operatingSystem: String, memoryBytes: UInt64,
                workerThreads: Int? = nil) {
        self.workerThreads = workerThreads
        self.hostname = hostname
        self.cores = cores
        self.activeCores = activeCores
        self.operatingSystem = operatingSystem
        self.memoryBytes = memoryBytes
    }

    /// The machine this process runs on.
    public static var current: MachineDescription {
        let p = ProcessInfo.processInfo
        return MachineDescription(hostname: p.hostName, cores: p.processorCount,
                                  activeCores: p.activeProcessorCount,
                                  operatingSystem: p.operatingSystemVersionString,
                                  memoryBytes: p.physicalMemory, workerThreads: ComputeThreads.count)
    }
}

extension MachineDescription: CustomStringConvertible {
    /// E.g. `host (2 cores, 1 worker thread, Ubuntu 24.04 LTS)`.
    public var description: String {
        let threads = workerThreads.map { ", \($0) worker thread\($0 == 1 ? "" : "s")" } ?? ""
        return "\(hostname) (\(activeCores) cores\(threads), \(operatingSystem))"
    }
}
