/// What `kernel_info_request` answers: the protocol, the implementation and the language.
public enum KernelInfo {
    /// This kernel's version (of its Jupyter implementation; dvae itself has no release number).
    public static let implementationVersion = "0.1.0"
    /// The kernel's name in kernelspecs (`jupyter kernelspec list`, `--kernel dvae`).
    public static let kernelName = "dvae"
    /// The name front ends show.
    public static let displayName = "dvae"
    /// The language name, which notebooks and kernelspecs record as `language`.
    public static let language = "dvae"
    /// The greeting of `jupyter console`.
    public static let banner = "dvae — denoising variational auto-encoders. Type `help` (or `?train`) for help."

    /// `language_info`, as in `kernel_info_reply` and a notebook's metadata.
    public static var languageInfo: JSONValue {
        [
            "name": .string(language),
            "version": .string(implementationVersion),
            "mimetype": "text/x-dvae",
            "file_extension": ".dvae",
            // Pygments has no dvae lexer; plain text keeps nbconvert from warning about it.
            "pygments_lexer": "text",
        ]
    }

    /// The content of a `kernel_info_reply`.
    public static var reply: JSONValue {
        [
            "status": "ok",
            "protocol_version": .string(KernelMessage.protocolVersion),
            "implementation": "dvae",
            "implementation_version": .string(implementationVersion),
            "language_info": languageInfo,
            "banner": .string(banner),
            "debugger": false,
            // Help is inside the language (`help`, `?train`, and inspection): no web pages to link.
            "help_links": [],
        ]
    }
}
