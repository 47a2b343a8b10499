extension Duration {
    /// The duration in seconds, as a Double (for rates, ETAs and reports).
    public var inSeconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) * 1e-18
    }
}
