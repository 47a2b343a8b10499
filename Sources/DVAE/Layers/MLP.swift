/// A stack of hidden layers `Affine → activation`, repeated for each hidden size.
///
/// Layer `i` is named `"<prefix>.layer<i>"`, so its parameters are `"<prefix>.layer<i>.weight"`
/// (`hidden[i] × previous width`) and `"<prefix>.layer<i>.bias"` (`1 × hidden[i]`).
/// With no hidden sizes the stack is the identity: `forward` returns its input.
public final class MLP {
    /// The affine layers, in order.
    public let layers: [Affine]
    /// The activation after each affine layer.
    public let activations: [Activation]
    /// Width of the input rows.
    public let inputSize: Int
    /// Width of the output rows (the last hidden size, or `inputSize` when there are none).
    public let outputSize: Int

    /// A stack `inputSize → hidden[0] → … → hidden.last`. When `inputGradient` is false the first
    /// layer skips dL/dx (its input is data) and `backward` returns nil.
    public init(prefix: String, inputSize: Int, hidden: [Int], activation: ActivationKind = .softplus,
                rng: inout RNG, inputGradient: Bool) {
        var layers: [Affine] = []
        var width = inputSize
        for (i, h) in hidden.enumerated() {
            layers.append(Affine(name: "\(prefix).layer\(i)", inputSize: width, outputSize: h, rng: &rng,
                                 computesInputGradient: i > 0 || inputGradient))
            width = h
        }
        self.layers = layers
        self.activations = hidden.map { _ in Activation(activation) }
        self.inputSize = inputSize
        self.outputSize = width
    }

    /// The parameters of all layers, in order.
    public var parameters: [Parameter] { layers.flatMap(\.parameters) }

    /// n × inputSize → n × outputSize (the last activation's buffer, or `x` itself when empty).
    public func forward(_ x: Tensor) -> Tensor {
        var h = x
        for i in layers.indices { h = activations[i].forward(layers[i].forward(h)) }
        return h
    }

    /// dL/d(output) → accumulates parameter gradients; returns dL/dx, or nil when the first layer
    /// skips it. For an empty stack returns `dy` itself.
    public func backward(_ dy: Tensor) -> Tensor? {
        var g: Tensor? = dy
        for i in layers.indices.reversed() {
            guard let gi = g else { return nil }
            g = layers[i].backward(activations[i].backward(gi))
        }
        return g
    }
}
