import CBLAS
import Foundation
import Synchronization

/// Runs `body(w)` for w = 0 ..< `count` at once — w = 0 on the calling thread, the others on the
/// persistent threads of `WorkerPool.shared` — and returns when all are done. BLAS is switched to
/// one thread per worker first: the workers already occupy the cores (measured on the 2-core
/// machine: OpenBLAS's own threads do not speed up the batch-100 products at all).
///
/// Each `body(w)` must touch only worker w's data (its model replica, its slot of an output
/// buffer); the caller combines the results afterwards in worker order, which keeps every result
/// deterministic for a given worker count. A call made while the pool is busy (from a worker, or
/// from a second thread of the host program) runs its bodies one after another on the calling
/// thread instead: same results, no deadlock.
func runWorkers(_ count: Int, _ body: (Int) -> Void) {
    if count <= 1 { body(0); return }
    WorkerPool.shared.run(count, body)
}

/// Persistent worker threads (created on first use, never torn down).
///
/// A training step opens three parallel regions (objective, gradient sum, optimiser) of well under
/// a millisecond each, so waking a sleeping thread (a futex wake, then the scheduler) would cost
/// as much as the work. Workers therefore spin briefly on a job counter after each job and only
/// then sleep on a semaphore; the caller likewise spins briefly before sleeping while it waits for
/// the others. The sleep/wake hand-over is the usual "announce sleep, re-check, cancel or consume"
/// protocol on sequentially consistent atomics, so no wake-up is lost.
final class WorkerPool: @unchecked Sendable {
    /// The process's pool.
    static let shared = WorkerPool()
    /// Spin iterations before sleeping (tens of microseconds).
    private static let spinLimit = 20_000

    /// One worker thread's sleep flag and semaphore.
    private final class Slot: @unchecked Sendable {
        let sleeping = Atomic<Bool>(false)
        let wake = DispatchSemaphore(value: 0)
    }

    private let busy = NSLock()
    private let generation = Atomic<Int>(0)
    private let pending = Atomic<Int>(0)
    private let caller = Slot()
    private var slots: [Slot] = []
    private var job: ((Int) -> Void)?
    private var participants = 0

    /// See `runWorkers`.
    func run(_ count: Int, _ body: (Int) -> Void) {
        guard busy.try() else {
            for w in 0..<count { body(w) }
            return
        }
        defer { busy.unlock() }
        if openblas_get_num_threads() != 1 { openblas_set_num_threads(1) }
        while slots.count < count - 1 { spawn(index: slots.count + 1) }
        withoutActuallyEscaping(body) { body in
            job = body
            participants = count
            pending.store(count - 1, ordering: .sequentiallyConsistent)
            generation.add(1, ordering: .sequentiallyConsistent)
            for slot in slots.prefix(count - 1) where slot.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
                slot.wake.signal()
            }
            body(0)
            Self.wait(until: { pending.load(ordering: .sequentiallyConsistent) == 0 }, slot: caller)
            job = nil
        }
    }

    /// Spins, then sleeps on `slot`, until `ready()`; whoever makes it ready must then take
    /// `slot.sleeping` (exchange to false) and signal when it was set.
    private static func wait(until ready: () -> Bool, slot: Slot) {
        var spins = 0
        while !ready() {
            spins += 1
            if spins < spinLimit { continue }
            slot.sleeping.store(true, ordering: .sequentiallyConsistent)
            if ready() {
                // Cancel the announced sleep; if the waker already took it, consume its signal.
                if !slot.sleeping.exchange(false, ordering: .sequentiallyConsistent) { slot.wake.wait() }
                return
            }
            slot.wake.wait()
            spins = 0
        }
    }

    private func spawn(index: Int) {
        let slot = Slot()
        slots.append(slot)
        // The generation is read here, before the job that needs this thread is announced: read in
        // the new thread it could already include that job, which would then never run.
        let initial = generation.load(ordering: .sequentiallyConsistent)
        let thread = Thread { [unowned self] in
            var seen = initial
            while true {
                Self.wait(until: { self.generation.load(ordering: .sequentiallyConsistent) != seen }, slot: slot)
                seen = self.generation.load(ordering: .sequentiallyConsistent)
                guard index < self.participants else { continue }
                self.job!(index)
                if self.pending.subtract(1, ordering: .sequentiallyConsistent).newValue == 0,
                   self.caller.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
                    self.caller.wake.signal()
                }
            }
        }
        thread.stackSize = 8 << 20
        thread.name = "dvae-worker-\(index)"
        thread.start()
    }
}

/// Contiguous, near-equal shards of `0..<n` for at most `workers` workers, each at least
/// `minimumSize` long (fewer shards when n is small; always at least one shard).
func shardRanges(_ n: Int, workers: Int, minimumSize: Int = 1) -> [Range<Int>] {
    let count = max(1, min(workers, n / max(1, minimumSize)))
    return (0..<count).map { s in (s * n / count) ..< ((s + 1) * n / count) }
}

/// A value the compiler cannot prove Sendable, handed to worker threads that each touch only
/// their own part of it (see `runWorkers`).
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Calls `body(i, range)` for element ranges of the tensors `tensors` (tensor i, elements `range`)
/// covering every element once, the flattened elements split into `threads` near-equal parts run at
/// once (parts of at least 64k elements). For element-wise updates, whose result does not depend
/// on the split.
func forEachElementRange(of tensors: [Tensor], threads: Int, _ body: (Int, Range<Int>) -> Void) {
    let total = tensors.reduce(0) { $0 + $1.count }
    let parts = shardRanges(total, workers: threads, minimumSize: 65_536)
    runWorkers(parts.count) { w in
        var offset = 0
        for (i, t) in tensors.enumerated() {
            let lo = max(parts[w].lowerBound - offset, 0), hi = min(parts[w].upperBound - offset, t.count)
            if lo < hi { body(i, lo..<hi) }
            offset += t.count
        }
    }
}
