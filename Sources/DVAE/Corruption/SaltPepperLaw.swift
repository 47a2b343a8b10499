/// The law of salt-and-pepper noise, as scripts write it after `law`: the textbook law (0 or 1
/// with equal chance) or the authors' (`NoiseKind.saltPepperAuthors`). Scripts spell the authors'
/// law only this way (`salt_pepper P law authors`), so each law has one spelling.
public enum SaltPepperLaw: String, CaseIterable, Sendable, NamedChoice {
    /// The replacement bit is 0 or 1 with equal chance.
    case textbook
    /// The replacement bit is 1 with probability P (the authors' code).
    case authors

    /// The word scripts write (`textbook`, `authors`).
    public var name: String { rawValue }

    /// The kind `kind` becomes under this law: `saltPepper` becomes `saltPepperAuthors` under the
    /// authors' law; the textbook law, and `none`, leave a kind as it is; nil for a kind the
    /// authors' law does not apply to (it is a salt-and-pepper law).
    public func applied(to kind: NoiseKind) -> NoiseKind? {
        switch (self, kind) {
        case (.textbook, _), (.authors, .none), (.authors, .saltPepperAuthors): return kind
        case (.authors, .saltPepper): return .saltPepperAuthors
        case (.authors, .bitFlip), (.authors, .gaussian): return nil
        }
    }
}
