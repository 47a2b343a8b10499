import CBLAS

/// The number of threads OpenBLAS uses for each gemm (process-wide).
public var blasThreadCount: Int { Int(openblas_get_num_threads()) }

/// Sets the number of OpenBLAS threads (process-wide). On a small, shared machine one thread can
/// beat two for the small products of a batch-100 step (no synchronisation per call).
public func setBLASThreadCount(_ n: Int) {
    openblas_set_num_threads(Int32(max(1, n)))
}
