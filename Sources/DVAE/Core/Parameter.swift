/// A named trainable tensor with its gradient accumulator.
///
/// Names are stable (`encoder.layer0.weight`, `decoder.out.bias`, …): they are the tensor names
/// in checkpoints and the keys of the optimiser state.
public final class Parameter: @unchecked Sendable {
    /// Stable dotted name, used in checkpoints.
    public let name: String
    /// Current value. Worker replicas of a model share their master's value tensors (the engine
    /// rebinds it only when building a replica; code outside the engine updates it in place).
    public internal(set) var value: Tensor
    /// Gradient of the *loss* (negative objective) with respect to `value`, accumulated by backward passes.
    public let grad: Tensor

    /// A parameter named `name` holding `value`, with a zero gradient of the same shape.
    public init(name: String, value: Tensor) {
        self.name = name
        self.value = value
        self.grad = Tensor(rows: value.rows, cols: value.cols)
    }
}
