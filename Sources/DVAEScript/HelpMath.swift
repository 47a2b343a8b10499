/// `help math`: how a notebook writes formulas for its HTML page.
extension Help {
    /// The topic's text (kept in step with `TeXMathParser` and `MathSpans` in DVAENotebook).
    static let math = """
    Formulas in a notebook's prose: $…$ inline, $$…$$ displayed (alone in its paragraph).
      `dvae run NB.md --html PAGE.html` typesets them as MathML (the browser lays them out; no
      network, no script); the Markdown and the terminal keep the source as written.
      An inline $ opens only before a non-space and closes only after one, not before a digit:
      "costs $5 and $6" stays text. \\$ is a dollar sign. Nothing in `code` is a formula.
      In a table row write \\| for | (Markdown's cell separator); use ‖ or \\Vert for a norm there.
    The TeX subset: x_i  x^{3/2}  \\frac{a}{b}  \\sqrt{x}  \\sum_{k=1}^K  \\int  \\prod
      Greek \\alpha … \\Omega;  \\tilde{x} \\hat{x} \\bar{x} \\vec{x};  \\mathbb{E} \\mathcal{N}
      \\mathbf{x} \\mathrm{d} \\text{ if } \\operatorname{KL};  \\left( … \\right)  \\big(;  \\| \\cdot
      \\le \\ge \\ne \\approx \\sim \\propto \\to \\in \\times \\pm \\infty \\partial \\nabla \\ldots;
      spaces \\, \\; \\quad \\qquad;  &  and  \\\\  align and break a display formula;
      environments aligned, cases, pmatrix, bmatrix, matrix.
    Unicode reads as it shows: x̃ = \\tilde{x}, σ² = σ^2, V⁻¹ = V^{-1}, Aᵀ = A^T, z′ = z',
      ½ = \\frac12, Σ_k = \\sum_k, − and - are minus, ~ is "distributed as" (\\sim).
    Beyond TeX: a word after _ or ^ is the whole subscript (L_dvae, set upright from three
      letters); log exp KL tr det diag tanh max min … need no backslash; any other run of
      letters is a product (Wz is W·z).
    A formula that cannot be typeset is shown as its source and reported as
      FILE:LINE:COL: warning: formula not typeset: … when the page is written.
    """
}
