import CBLAS
import Foundation

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

/// Persistent worker threads woken by semaphores (created on first use, never torn down).
final class WorkerPool: @unchecked Sendable {
    /// The process's pool.
    static let shared = WorkerPool()

    private let busy = NSLock()
    private let done = DispatchSemaphore(value: 0)
    private var wake: [DispatchSemaphore] = []
    private var job: ((Int) -> Void)?

    /// See `runWorkers`.
    func run(_ count: Int, _ body: (Int) -> Void) {
        guard busy.try() else {
            for w in 0..<count { body(w) }
            return
        }
        defer { busy.unlock() }
        if openblas_get_num_threads() != 1 { openblas_set_num_threads(1) }
        while wake.count < count - 1 { spawn(index: wake.count + 1) }
        withoutActuallyEscaping(body) { body in
            job = body
            for w in 1..<count { wake[w - 1].signal() }
            body(0)
            for _ in 1..<count { done.wait() }
            job = nil
        }
    }

    private func spawn(index: Int) {
        let semaphore = DispatchSemaphore(value: 0)
        wake.append(semaphore)
        let thread = Thread { [unowned self] in
            while true {
                semaphore.wait()
                self.job!(index)
                self.done.signal()
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
