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

    /// A description with the given fields.
    public init(hostname: String, cores: Int, activeCores: Int, operatingSystem: String, memoryBytes: UInt64) {
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
                                  memoryBytes: p.physicalMemory)
    }
}

extension MachineDescription: CustomStringConvertible {
    /// E.g. `host (2 cores, Ubuntu 24.04 LTS)`.
    public var description: String { "\(hostname) (\(activeCores) cores, \(operatingSystem))" }
}
