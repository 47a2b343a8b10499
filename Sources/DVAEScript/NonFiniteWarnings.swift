import DVAE

// Located warnings for pictures drawn from values that are not numbers.
//
// A model whose weights became nan or inf (training that diverged, a damaged checkpoint) decodes
// every latent point to nan, and a nan pixel is drawn black: `show sample m` then shows a blank
// grid and nothing says why. `sample`, `reconstruct` and `interpolate` therefore count the
// pictures they decoded that hold a non-finite pixel and warn at the command, saying how many
// of the model's parameters are themselves not finite (the usual cause).

extension Interpreter {
    /// Warns at `location` when rows of `decoded` (one picture each) hold nan or ±inf; `what`
    /// names the pictures in the plural ("samples").
    func warnIfNotFinite(_ decoded: Tensor, pictures what: String, of handle: ModelHandle, at location: SourceLocation) {
        var bad = 0
        for r in 0..<decoded.rows {
            let row = UnsafeBufferPointer(start: decoded.data + r * decoded.cols, count: decoded.cols)
            if row.contains(where: { !$0.isFinite }) { bad += 1 }
        }
        guard bad > 0 else { return }
        let model = handle.model
        var badParameters = 0
        for p in model.parameters {
            badParameters += UnsafeBufferPointer(start: p.value.data, count: p.value.count).reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
        }
        let cause = badParameters > 0
            ? "the model has \(badParameters) non-finite parameter\(badParameters == 1 ? "" : "s") (of \(model.parameterCount))"
            : "the model's parameters are finite, but its outputs overflowed"
        warn("\(bad) of \(decoded.rows) \(what) have pixels that are not finite (nan or inf), drawn black (nan) or "
             + "clamped (inf): \(cause)", at: location,
             suggestion: "training diverged: train a fresh model with a smaller `lr`, or `open` a checkpoint saved before it diverged")
    }
}
