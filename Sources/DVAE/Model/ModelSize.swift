/// The sizes a `ModelConfig` implies, computed without building the model, with checked
/// arithmetic: a configuration from a script or a checkpoint is measured against a
/// `MemoryBudget` (and a checkpoint's tensors against these shapes) before anything is allocated.
extension ModelConfig {
    /// One parameter's name and shape, as `VAEModel(config:seed:)` would create it.
    public struct ParameterShape: Equatable, Sendable {
        /// The parameter's name (`encoder.mu.weight`, …).
        public var name: String
        /// Rows of its value.
        public var rows: Int
        /// Columns of its value.
        public var cols: Int
    }

    /// Every parameter's name and shape, in `VAEModel.parameters` order (see `VAEModel`'s doc).
    public var parameterShapes: [ParameterShape] {
        var shapes: [ParameterShape] = []
        func affine(_ name: String, _ input: Int, _ output: Int) {
            shapes.append(ParameterShape(name: name + ".weight", rows: output, cols: input))
            shapes.append(ParameterShape(name: name + ".bias", rows: 1, cols: output))
        }
        let encoderOut: Int
        switch encoder {
        case .mlp:
            var width = inputSize
            for (i, h) in encoderHidden.enumerated() { affine("encoder.layer\(i)", width, h); width = h }
            encoderOut = width
        case .gru:
            let h = encoderHidden.first ?? 200
            // Saturating: a hostile size must not trap here; the byte counts then overflow to nil.
            func times(_ k: Int) -> Int { ByteCount.product(k, h) ?? Int.max }
            shapes.append(ParameterShape(name: "encoder.gru.input.weight", rows: times(3), cols: width))
            shapes.append(ParameterShape(name: "encoder.gru.input.bias", rows: 1, cols: times(3)))
            shapes.append(ParameterShape(name: "encoder.gru.gates.weight", rows: times(2), cols: h))
            shapes.append(ParameterShape(name: "encoder.gru.candidate.weight", rows: h, cols: h))
            encoderOut = h
        }
        affine("encoder.mu", encoderOut, latent)
        affine("encoder.logvar", encoderOut, latent)
        var width = latent
        for (i, g) in decoderHidden.enumerated() { affine("decoder.layer\(i)", width, g); width = g }
        affine("decoder.out", width, inputSize)
        // The heads each likelihood reads after `out` (SigmoidGaussianLikelihood: a σ per pixel).
        if decoder == .gaussianSigmoid { affine("decoder.sigma", width, inputSize) }
        if decoder == .gaussian { shapes.append(ParameterShape(name: "decoder.logvar", rows: 1, cols: inputSize)) }
        return shapes
    }

    /// The number of parameters (Float32 values), or nil when it overflows `Int`.
    public var parameterCountIfValid: Int? {
        ByteCount.sum(parameterShapes.map { ByteCount.product($0.rows, $0.cols) })
    }

    /// Bytes of a trained model: the parameters, their gradients and Adam's two moments
    /// (4 floats per parameter); nil on overflow.
    public var trainingStateBytes: Int? {
        ByteCount.floats(parameterCountIfValid.flatMap { ByteCount.product($0, 4) })
    }

    /// Bytes of the parameters and their gradients alone (an untrained model); nil on overflow.
    public var modelBytes: Int? {
        ByteCount.floats(parameterCountIfValid.flatMap { ByteCount.product($0, 2) })
    }

    /// An estimate of the activation buffers for a pass over `rows` latent samples
    /// (batch × M × K when training): each layer keeps its output, the activation's output and a
    /// gradient of the same width (3 floats per unit), plus the corrupted inputs and the decoder's
    /// D-wide outputs; nil on overflow.
    public func activationBytes(rows: Int) -> Int? {
        let encoderWidths: [Int] = encoder == .gru
            ? [ByteCount.product(4, encoderHidden.first ?? 200, height) ?? Int.max]   // gates + state per step
            : encoderHidden
        let widths = encoderWidths + [ByteCount.product(5, latent) ?? Int.max, ByteCount.product(3, inputSize) ?? Int.max] + decoderHidden
        guard let perRow = ByteCount.sum(widths.map { ByteCount.product($0, 3) }) else { return nil }
        return ByteCount.floats(ByteCount.product(rows, perRow))
    }
}
