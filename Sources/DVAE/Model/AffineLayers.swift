/// A network that can list its affine layers (in a fixed order, the same in every replica), so
/// the fused training step can compute their parameter gradients by output rows across workers
/// (`Affine.defersParameterGradients`). Networks that do not conform keep their gradients per
/// worker, summed afterwards.
protocol AffineLayerOwner: AnyObject {
    /// The affine layers, in a fixed order.
    var affineLayers: [Affine] { get }
}

extension MLP: AffineLayerOwner {
    var affineLayers: [Affine] { layers }
}

extension MLPBody: AffineLayerOwner {
    var affineLayers: [Affine] { trunk.layers + heads }
}

extension MLPEncoder: AffineLayerOwner {
    var affineLayers: [Affine] { body.affineLayers }
}

extension MLPDecoder: AffineLayerOwner {
    var affineLayers: [Affine] { body.affineLayers }
}

extension LogSigmaEncoder: AffineLayerOwner {
    var affineLayers: [Affine] { (inner as? AffineLayerOwner)?.affineLayers ?? [] }
}

extension VAEModel {
    /// The encoder's and the decoder's affine layers (those of networks that list them).
    var affineLayers: [Affine] {
        ((encoder as? AffineLayerOwner)?.affineLayers ?? []) + ((decoder as? AffineLayerOwner)?.affineLayers ?? [])
    }
}
