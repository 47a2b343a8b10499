import CBLAS
import CKernels
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
    runWorkers(count, phases: 1) { w, _ in body(w) }
}

/// Runs `body(w, phase)` for every worker w = 0 ..< `count` and phase = 0 ..< `phases`, the
/// workers at once and the phases in order with a barrier between them: no `body(_, p + 1)`
/// starts before every `body(_, p)` has returned. One parallel region with barriers instead of
/// one region per phase (a training step: gradients, then their reduction and norm, then the
/// optimiser). Phase p of worker w may read what any worker wrote in an earlier phase.
/// When the pool is busy the phases run in order, each worker's in turn, on the calling thread.
func runWorkers(_ count: Int, phases: Int, _ body: (_ worker: Int, _ phase: Int) -> Void) {
    if count <= 1 {
        for p in 0..<phases { body(0, p) }
        return
    }
    WorkerPool.shared.run(count, phases: phases, body)
}

/// Persistent worker threads (created on first use, never torn down).
///
/// A training step is one parallel region with two barriers, each phase well under a
/// millisecond, so waking a sleeping thread (a futex wake, then the scheduler) would cost as much
/// as the work. A waiting thread (a worker between jobs, any thread at a barrier, the caller
/// waiting for the others) therefore polls for up to `spinNanoseconds` with the CPU's spin hint
/// and then sleeps on a semaphore. It does not poll at all when there are more participants than
/// processors: then a poller could sit on the core that the thread it waits for needs. The
/// sleep/wake hand-over is the usual "announce sleep, re-check, cancel or consume" protocol on
/// sequentially consistent atomics, so no wake-up is lost.
final class WorkerPool: @unchecked Sendable {
    /// The process's pool.
    static let shared = WorkerPool()
    /// How long a waiting thread polls before it sleeps (when it polls at all).
    nonisolated(unsafe) static var spinNanoseconds: UInt64 = 100_000
    /// Processors available to the process (the polling rule above).
    private static let processors = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// One thread's sleep flag and semaphore.
    private final class Slot: @unchecked Sendable {
        let sleeping = Atomic<Bool>(false)
        let wake = DispatchSemaphore(value: 0)
    }

    private let busy = NSLock()
    private let generation = Atomic<Int>(0)
    private let pending = Atomic<Int>(0)
    private let arrived = Atomic<Int>(0)
    private let barrierGeneration = Atomic<Int>(0)
    private let caller = Slot()
    private var slots: [Slot] = []
    private var job: ((Int, Int) -> Void)?
    private var participants = 0
    private var phaseCount = 1
    private var spinBudget: UInt64 = 0

    /// See `runWorkers(_:phases:_:)`.
    func run(_ count: Int, phases: Int, _ body: (Int, Int) -> Void) {
        guard busy.try() else {
            for p in 0..<phases { for w in 0..<count { body(w, p) } }
            return
        }
        defer { busy.unlock() }
        if openblas_get_num_threads() != 1 { openblas_set_num_threads(1) }
        while slots.count < count - 1 { spawn(index: slots.count + 1) }
        withoutActuallyEscaping(body) { body in
            job = body
            participants = count
            phaseCount = phases
            spinBudget = count <= Self.processors ? Self.spinNanoseconds : 0
            pending.store(count - 1, ordering: .sequentiallyConsistent)
            generation.add(1, ordering: .sequentiallyConsistent)
            for slot in slots.prefix(count - 1) where slot.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
                slot.wake.signal()
            }
            work(0)
            wait(until: { pending.load(ordering: .sequentiallyConsistent) == 0 }, slot: caller)
            job = nil
        }
    }

    /// Worker w's share of the current job: its phases, with a barrier after each but the last.
    private func work(_ w: Int) {
        let body = job!, phases = phaseCount
        for p in 0..<phases {
            body(w, p)
            if p + 1 < phases { barrier(w) }
        }
    }

    /// Returns when all participants have called it (once per phase boundary). The last to arrive
    /// resets the count, opens the barrier and wakes whoever went to sleep waiting.
    private func barrier(_ w: Int) {
        let open = barrierGeneration.load(ordering: .sequentiallyConsistent)
        if arrived.add(1, ordering: .sequentiallyConsistent).newValue == participants {
            arrived.store(0, ordering: .sequentiallyConsistent)
            barrierGeneration.add(1, ordering: .sequentiallyConsistent)
            for i in 0..<participants where i != w {
                let s = slot(i)
                if s.sleeping.exchange(false, ordering: .sequentiallyConsistent) { s.wake.signal() }
            }
        } else {
            wait(until: { barrierGeneration.load(ordering: .sequentiallyConsistent) != open }, slot: slot(w))
        }
    }

    private func slot(_ w: Int) -> Slot { w == 0 ? caller : slots[w - 1] }

    /// Polls (up to the spin budget), then sleeps on `slot`, until `ready()`; whoever makes it
    /// ready must then take `slot.sleeping` (exchange to false) and signal when it was set.
    private func wait(until ready: () -> Bool, slot: Slot) {
        if ready() { return }
        let budget = spinBudget
        if budget > 0 {
            let start = DispatchTime.now().uptimeNanoseconds
            var polls = 0
            while !ready() {
                dvae_cpu_relax()
                polls += 1
                if polls & 63 == 0 && DispatchTime.now().uptimeNanoseconds - start > budget { break }
            }
        }
        while !ready() {
            slot.sleeping.store(true, ordering: .sequentiallyConsistent)
            if ready() {
                // Cancel the announced sleep; if the waker already took it, consume its signal.
                if !slot.sleeping.exchange(false, ordering: .sequentiallyConsistent) { slot.wake.wait() }
                return
            }
            slot.wake.wait()
        }
    }

    private func spawn(index: Int) {
        let slot = Slot()
        slots.append(slot)
        // The generation is read here, before the job that needs this thread is announced: read in
        // the new thread it could already include that job, which would then never run.
        let initial = generation.load(ordering: .sequentiallyConsistent)
        // The pool lives for the whole process (`shared`): a strong reference costs nothing here,
        // while an unowned one made every poll of the loop retain and release it.
        let thread = Thread { [self] in
            var seen = initial
            while true {
                wait(until: { generation.load(ordering: .sequentiallyConsistent) != seen }, slot: slot)
                seen = generation.load(ordering: .sequentiallyConsistent)
                guard index < participants else { continue }
                work(index)
                if pending.subtract(1, ordering: .sequentiallyConsistent).newValue == 0,
                   caller.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
                    caller.wake.signal()
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
