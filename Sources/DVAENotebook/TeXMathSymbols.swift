/// The names ``TeXMathParser`` knows: Greek letters, operators, fences, symbols, spacing,
/// accents, environments, and the Unicode super- and subscript characters it reads.
extension TeXMathParser {
    /// `\alpha` … `\Omega`.
    static let greek: [String: String] = [
        "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
        "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
        "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "varpi": "ϖ", "rho": "ρ",
        "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "ϕ",
        "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
        "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π",
        "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    ]

    /// Binary operators and relations.
    static let operators: [String: String] = [
        "cdot": "·", "times": "×", "div": "÷", "pm": "±", "mp": "∓", "ast": "∗", "star": "⋆",
        "circ": "∘", "bullet": "∙", "odot": "⊙", "otimes": "⊗", "oplus": "⊕",
        "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠", "lt": "<", "gt": ">",
        "approx": "≈", "sim": "∼", "simeq": "≃", "cong": "≅", "equiv": "≡", "propto": "∝",
        "ll": "≪", "gg": "≫", "to": "→", "rightarrow": "→", "leftarrow": "←", "gets": "←",
        "leftrightarrow": "↔", "Rightarrow": "⇒", "Leftarrow": "⇐", "Leftrightarrow": "⇔",
        "implies": "⟹", "iff": "⟺", "mapsto": "↦", "in": "∈", "notin": "∉", "ni": "∋",
        "subset": "⊂", "subseteq": "⊆", "supset": "⊃", "supseteq": "⊇", "cup": "∪", "cap": "∩",
        "setminus": "∖", "mid": "∣", "parallel": "∥", "perp": "⊥", "forall": "∀", "exists": "∃",
        "neg": "¬", "lnot": "¬", "land": "∧", "lor": "∨", "wedge": "∧", "vee": "∨", "colon": ":",
        "ldots": "…", "dots": "…", "cdots": "⋯", "vdots": "⋮", "ddots": "⋱", "coloneqq": "≔",
        "backslash": "∖",
    ]

    /// Fences (not stretched unless after `\left`/`\right`/`\big`).
    static let fences: [String: String] = [
        "lVert": "‖", "rVert": "‖", "Vert": "‖", "lvert": "|", "rvert": "|", "vert": "|",
        "langle": "⟨", "rangle": "⟩", "lbrace": "{", "rbrace": "}", "lfloor": "⌊", "rfloor": "⌋",
        "lceil": "⌈", "rceil": "⌉", "lbrack": "[", "rbrack": "]",
    ]

    /// Symbols that behave like letters.
    static let ordinarySymbols: [String: String] = [
        "infty": "∞", "partial": "∂", "nabla": "∇", "ell": "ℓ", "emptyset": "∅", "varnothing": "∅",
        "hbar": "ℏ", "top": "⊤", "bot": "⊥", "prime": "′", "aleph": "ℵ",
    ]

    /// Sums, products, integrals.
    static let largeOperators: [String: String] = [
        "sum": "∑", "prod": "∏", "coprod": "∐", "int": "∫", "iint": "∬", "iiint": "∭", "oint": "∮",
        "bigcup": "⋃", "bigcap": "⋂",
    ]

    /// Operator names written upright, with or without a backslash (`log`, `\log`).
    static let operatorNames: Set<String> = [
        "log", "ln", "exp", "sin", "cos", "tan", "sinh", "cosh", "tanh", "det", "dim", "ker",
        "deg", "arg", "KL", "tr", "diag", "softplus", "sigmoid", "logit", "Var", "Cov", "erf",
        "sign", "sgn", "rank", "const", "ELBO", "IWAE", "VAE", "DVAE", "DIWAE", "PCA", "SNR",
        "max", "min", "sup", "inf", "lim", "argmax", "argmin", "Pr", "gcd",
    ]

    /// Names whose sub- and superscripts go under and over them in a display formula.
    static let limitNames: Set<String> = ["max", "min", "sup", "inf", "lim", "argmax", "argmin", "Pr", "gcd", "det"]

    /// Horizontal spaces, in em.
    static let spaces: [String: Double] = [
        "quad": 1, "qquad": 2, "enspace": 0.5, "thinspace": 0.1667, "medspace": 0.2222,
        "thickspace": 0.2778, "negthinspace": -0.1667,
    ]

    /// Accents: the mark and whether it stretches over a wide base.
    static let accents: [String: (String, Bool)] = [
        "tilde": ("~", false), "widetilde": ("~", true), "hat": ("^", false), "widehat": ("^", true),
        "bar": ("¯", false), "overline": ("‾", true), "vec": ("→", false), "overrightarrow": ("→", true),
        "dot": ("˙", false), "ddot": ("¨", false), "check": ("ˇ", false), "breve": ("˘", false),
        "acute": ("´", false), "grave": ("`", false),
    ]

    /// `\big(` and friends: the height of the delimiter in em.
    static let bigSizes: [String: Double] = [
        "big": 1.2, "bigl": 1.2, "bigr": 1.2, "bigm": 1.2,
        "Big": 1.8, "Bigl": 1.8, "Bigr": 1.8, "Bigm": 1.8,
        "bigg": 2.4, "biggl": 2.4, "biggr": 2.4, "biggm": 2.4,
        "Bigg": 3.0, "Biggl": 3.0, "Biggr": 3.0, "Biggm": 3.0,
    ]

    /// Relations that `\not` negates.
    static let negations: [String: String] = [
        "=": "≠", "∈": "∉", "≤": "≰", "≥": "≱", "<": "≮", ">": "≯", "∼": "≁", "≈": "≉", "≡": "≢",
        "⊂": "⊄", "⊆": "⊈", "∣": "∤", "∥": "∦",
    ]

    /// Environments: fences around the table and the column alignment.
    static let environments: [String: (open: String, close: String, align: String)] = [
        "aligned": ("", "", "rl"), "align": ("", "", "rl"), "align*": ("", "", "rl"),
        "gathered": ("", "", "c"), "split": ("", "", "rl"), "cases": ("{", "", "ll"),
        "matrix": ("", "", "c"), "pmatrix": ("(", ")", "c"), "bmatrix": ("[", "]", "c"),
        "vmatrix": ("|", "|", "c"), "Vmatrix": ("‖", "‖", "c"),
    ]

    /// Unicode superscript characters and what they stand for.
    static let superscripts: [Character: String] = [
        "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8",
        "⁹": "9", "⁺": "+", "⁻": "−", "⁼": "=", "⁽": "(", "⁾": ")", "ⁿ": "n", "ⁱ": "i", "ᵀ": "\\mathrm{T}",
        "ᵏ": "k", "ᵈ": "d",
    ]

    /// Unicode subscript characters and what they stand for.
    static let subscripts: [Character: String] = [
        "₀": "0", "₁": "1", "₂": "2", "₃": "3", "₄": "4", "₅": "5", "₆": "6", "₇": "7", "₈": "8",
        "₉": "9", "₊": "+", "₋": "−", "₌": "=", "₍": "(", "₎": ")", "ₐ": "a", "ₑ": "e", "ᵢ": "i",
        "ⱼ": "j", "ₖ": "k", "ₘ": "m", "ₙ": "n", "ₚ": "p", "ₜ": "t", "ₓ": "x",
    ]

    /// `½` and friends.
    static let vulgarFractions: [Character: (String, String)] = [
        "½": ("1", "2"), "⅓": ("1", "3"), "¼": ("1", "4"), "¾": ("3", "4"), "⅔": ("2", "3"),
    ]
}
