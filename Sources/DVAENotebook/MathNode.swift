/// One node of a parsed formula, before it is written as MathML (see ``TeXMath``).
///
/// The tree mirrors MathML's presentation elements closely, so writing it is a direct walk.
indirect enum MathNode: Equatable {
    /// An identifier: a variable (`x`, `σ`), or a multi-letter name (`log`, `dvae`), written
    /// upright when `upright` (MathML italicises a one-letter `<mi>` by default).
    case identifier(String, upright: Bool)
    /// A number.
    case number(String)
    /// An operator or fence (`+`, `=`, `(`, `‖`, `∑`); `stretchy` overrides the dictionary when set,
    /// `size` (em) forces a height for `\big` and friends.
    case op(String, stretchy: Bool? = nil, size: Double? = nil)
    /// Text set upright with its spaces (`\text{…}`).
    case text(String)
    /// A horizontal space of this many em (negative allowed).
    case space(Double)
    /// A row of nodes.
    case row([MathNode])
    /// A fraction; `style` forces display (`\dfrac`) or text (`\tfrac`) size when set.
    case fraction(MathNode, MathNode, display: Bool? = nil, lineThickness: String? = nil)
    /// A square root, or an n-th root when `index` is given.
    case root(MathNode, index: MathNode?)
    /// Sub- and superscripts on a base (either may be missing). `limits` places them under and
    /// over the base (for `∑`, `∏`, `lim`, which move to the side in inline formulas).
    case scripts(base: MathNode, sub: MathNode?, sup: MathNode?, limits: Bool)
    /// An accent over the base (`\tilde`, `\hat`, `\bar`, a combining tilde in `x̃`).
    case accent(base: MathNode, mark: String, stretchy: Bool)
    /// A table of rows of cells (aligned derivations, cases, matrices); `align` gives each
    /// column's alignment, repeated cyclically (`"rl"` for `aligned`).
    case table([[MathNode]], align: String)
}
