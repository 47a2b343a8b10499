/// Whether a dataset's pixels are binary (0/1, modelled with a Bernoulli decoder) or continuous
/// in [0, 1] (modelled with a Gaussian decoder).
public enum DataKind: String, Codable, Sendable, CaseIterable {
    /// Every pixel is exactly 0 or 1 (binarised MNIST, the synthetic shapes).
    case binary
    /// Pixels are intensities in [0, 1] (Frey Face, raw MNIST).
    case continuous
}
