import DVAE

/// The live progress line of a training run — `epoch E/N  step S/T  R ex/s  bound B  ETA m:ss` —
/// shared by `train` and `experiment` so both say the same thing the same way, and shown at most
/// ten times a second (always at an epoch's last step).
struct TrainingProgressLine {
    /// Put before the epoch (`experiment` names its cell; `train` puts nothing).
    let prefix: String
    /// Examples per step, for the ETA.
    let batch: Int
    /// The epoch number the run ends at.
    let lastEpoch: Int
    /// Subtracted from epoch numbers shown (`train` counts the epochs of this command).
    let epochOffset: Int
    private let clock = ContinuousClock()
    private var lastShown: ContinuousClock.Instant

    /// A line for a run of `batch`-example steps ending at `lastEpoch`.
    init(prefix: String = "", batch: Int, lastEpoch: Int, epochOffset: Int = 0) {
        self.prefix = prefix
        self.batch = batch
        self.lastEpoch = lastEpoch
        self.epochOffset = epochOffset
        lastShown = clock.now - .seconds(1)
    }

    /// The line after step `step` of `stepsPerEpoch` in the 1-based `epoch`, or nil when a line
    /// was shown less than 0.1 s ago.
    mutating func line(epoch: Int, step: Int, stepsPerEpoch: Int, examplesPerSecond: Double, runningBound: Double) -> String? {
        let now = clock.now
        guard now - lastShown >= .milliseconds(100) || step == stepsPerEpoch else { return nil }
        lastShown = now
        let remainingSteps = (stepsPerEpoch - step) + (lastEpoch - epoch) * stepsPerEpoch
        let eta = examplesPerSecond > 0 ? Double(remainingSteps) * Double(batch) / examplesPerSecond : 0
        return prefix + "epoch \(epoch - epochOffset)/\(lastEpoch - epochOffset)  step \(step)/\(stepsPerEpoch)  "
            + "\(Interpreter.grouped(Int(examplesPerSecond))) ex/s  "
            + "bound \(formatFixed(runningBound, 2))  ETA \(Interpreter.clockTime(eta))"
    }
}
