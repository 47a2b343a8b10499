// The one place that touches GNU readline.
//
// Swift 6 rejects direct use of readline's C global variables (shared mutable state), so they
// are reached through typed pointers found with dlsym, and the little state the C callbacks
// need lives in `nonisolated(unsafe)` globals below. Nothing else in the program uses readline.

import CReadline
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What one call to ``LineEditor/readLine(prompt:)`` produced.
enum LineInput: Equatable {
    /// A complete line (without its newline).
    case line(String)
    /// Ctrl-C at the prompt: the partial line was discarded.
    case interrupted
    /// Ctrl-D on an empty line, or end of input.
    case endOfInput
}

/// Interactive line editing with GNU readline: history saved across runs, tab completion of
/// words (from a provider) and of file paths after `load`, `open`, `run`, `save` or inside a
/// string, and Ctrl-C clearing the line.
///
/// It uses readline's callback interface with `poll`, so a SIGINT (whose handler is installed
/// without `SA_RESTART`, see ``InterruptHandling``) wakes the wait and the line can be cleared
/// cleanly. Only one editor may exist at a time.
final class LineEditor {
    /// Where history is kept (nil: not saved).
    let historyPath: String?
    /// Most history entries kept in the file.
    let historyLimit: Int32 = 2000
    /// The last line added to history (consecutive duplicates are not stored).
    private var lastHistoryLine: String? = nil

    /// Words that take a file path after them.
    static let pathCommands: Set<String> = ["load", "open", "run", "save", "export"]

    /// Sets readline up: history from `historyPath`, completion through `complete(prefix, line)`.
    init(historyPath: String?, complete: @escaping (String, String) -> [String]) {
        self.historyPath = historyPath
        completionProvider = complete
        Readline.variable("rl_readline_name", UnsafePointer<CChar>?.self)?.pointee = UnsafePointer(strdup("dvae"))
        Readline.variable("rl_catch_signals", Int32.self)?.pointee = 0
        Readline.variable("rl_completer_word_break_characters", UnsafeMutablePointer<CChar>?.self)?.pointee =
            strdup(" \t\n\"'=;(){}[],+*<>:!?")
        Readline.variable("rl_completer_quote_characters", UnsafePointer<CChar>?.self)?.pointee =
            UnsafePointer(strdup("\""))
        Readline.variable("rl_attempted_completion_function", CompletionFunction?.self)?.pointee = attemptCompletion
        // A statement typed over several lines is one history entry. In the file, entries are
        // separated by timestamp lines (`#1733312345`), so an entry with newlines reads back
        // whole and consecutive entries stay apart. Readline writes a timestamp only when an
        // entry has one, and `add_history` stamps entries only when `history_comment_char` is
        // set: without it every entry of a session was written bare, and the next session read
        // the whole file back as one entry.
        Readline.variable("history_comment_char", CChar.self)?.pointee = CChar(UInt8(ascii: "#"))
        Readline.variable("history_write_timestamps", Int32.self)?.pointee = 1
        using_history()
        if let historyPath {
            // A file written before entries were stamped has no timestamp lines: read it one
            // entry per line rather than as one entry.
            let stamped = LineEditor.hasTimestampLines(historyPath)
            Readline.variable("history_multiline_entries", Int32.self)?.pointee = stamped ? 1 : 0
            _ = read_history(historyPath)
            Readline.variable("history_multiline_entries", Int32.self)?.pointee = 1
            if access(historyPath, F_OK) != 0 { _ = write_history(historyPath) }
        }
        Readline.variable("history_multiline_entries", Int32.self)?.pointee = 1
    }

    /// Whether the history file at `path` has readline timestamp lines (`#` and digits).
    static func hasTimestampLines(_ path: String) -> Bool {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return false }
        return text.split(separator: "\n").contains { line in
            line.count > 1 && line.first == "#" && line.dropFirst().allSatisfy(\.isNumber)
        }
    }

    /// Shows `prompt` and edits one line. Returns when Enter, Ctrl-C or Ctrl-D is pressed.
    func readLine(prompt: String) -> LineInput {
        pendingLine = nil
        lineFinished = false
        rl_callback_handler_install(prompt, lineHandler)
        defer { if !lineFinished { rl_callback_handler_remove() } }
        while !lineFinished {
            var fds = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            let ready = poll(&fds, 1, -1)
            if InterruptHandling.takePromptInterrupt() {
                // Ctrl-C: drop the partial line, show ^C and start afresh on a new line.
                rl_free_line_state()
                rl_callback_sigcleanup()
                rl_replace_line("", 0)
                writeOut("^C\n")
                return .interrupted
            }
            if ready < 0 {
                if errno == EINTR { continue }
                return .endOfInput
            }
            if fds.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                rl_callback_read_char()
            }
        }
        guard let line = pendingLine else { return .endOfInput }
        return .line(line)
    }

    /// Adds `line` (one input, possibly of several lines) to the history and appends it to the
    /// history file.
    func remember(_ line: String) {
        guard !line.trimmingCharacters(in: .whitespaces).isEmpty, line != lastHistoryLine else { return }
        lastHistoryLine = line
        add_history(line)
        if let historyPath {
            _ = append_history(1, historyPath)
            _ = history_truncate_file(historyPath, historyLimit)
        }
    }
}

// MARK: - State shared with readline's C callbacks

/// The line received by ``lineHandler`` (nil after Ctrl-D).
nonisolated(unsafe) private var pendingLine: String? = nil
/// Whether ``lineHandler`` has been called for the current prompt.
nonisolated(unsafe) private var lineFinished = false
/// The word completions source: (prefix, whole line so far) → candidates.
nonisolated(unsafe) private var completionProvider: ((String, String) -> [String])? = nil
/// Candidates being handed to readline by ``wordGenerator``.
nonisolated(unsafe) private var generatorCandidates: [String] = []
/// Position in ``generatorCandidates``.
nonisolated(unsafe) private var generatorIndex = 0

/// Called by readline with a finished line (malloc'd, ours to free) or nil at end of input.
private let lineHandler: @convention(c) (UnsafeMutablePointer<CChar>?) -> Void = { raw in
    // Removing the handler here stops readline from redrawing the prompt after the line.
    rl_callback_handler_remove()
    if let raw {
        pendingLine = String(cString: raw)
        free(raw)
    } else {
        pendingLine = nil
    }
    lineFinished = true
}

/// The C type of `rl_attempted_completion_function` (readline's typedef imports as a Swift closure,
/// which is two words wide, so the pointer is typed with this one-word C function type instead).
private typealias CompletionFunction =
    @convention(c) (UnsafePointer<CChar>?, Int32, Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?

/// readline's completion entry: file names after a path command or inside a string, else words.
private let attemptCompletion: CompletionFunction = { text, start, _ in
    Readline.variable("rl_attempted_completion_over", Int32.self)?.pointee = 1
    let buffer = Readline.variable("rl_line_buffer", UnsafeMutablePointer<CChar>?.self)?.pointee
    let line = buffer.map { String(cString: $0) } ?? ""
    let before = String(line.utf8.prefix(Int(start))) ?? ""
    let word = text.map { String(cString: $0) } ?? ""
    if LineEditor.wantsPath(before: before) {
        return rl_completion_matches(text, rl_filename_completion_function)
    }
    generatorCandidates = (completionProvider?(word, before + word) ?? []).filter { $0.hasPrefix(word) }
    generatorIndex = 0
    Readline.variable("rl_completion_append_character", Int32.self)?.pointee = 32
    return rl_completion_matches(text, wordGenerator)
}

/// Hands readline the candidates one by one (malloc'd copies, as readline frees them).
private let wordGenerator: @convention(c) (UnsafePointer<CChar>?, Int32) -> UnsafeMutablePointer<CChar>? = { _, state in
    if state == 0 { generatorIndex = 0 }
    guard generatorIndex < generatorCandidates.count else { return nil }
    defer { generatorIndex += 1 }
    return strdup(generatorCandidates[generatorIndex])
}

/// Writes `text` straight to standard output (readline has flushed its own output by then).
private func writeOut(_ text: String) {
    _ = text.withCString { write(1, $0, strlen($0)) }
}

extension LineEditor {
    /// Whether the word being completed, preceded by `before`, should be a file path:
    /// inside an open string, or right after `load`, `open`, `run` or `save`.
    static func wantsPath(before: String) -> Bool {
        if before.filter({ $0 == "\"" }).count % 2 == 1 { return true }
        let trimmed = before.trimmingCharacters(in: .whitespaces)
        let lastWord = trimmed.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).last
        guard let lastWord, trimmed.hasSuffix(lastWord) else { return false }
        return pathCommands.contains(String(lastWord))
    }
}

/// Typed access to readline's global variables without naming them in Swift.
enum Readline {
    /// The program's own symbol table (libreadline is linked in, so its globals are found here).
    nonisolated(unsafe) private static let handle = dlopen(nil, RTLD_NOW)

    /// A pointer to the readline global `name` of type `T`, or nil if the symbol is missing.
    static func variable<T>(_ name: String, _ type: T.Type) -> UnsafeMutablePointer<T>? {
        guard let symbol = dlsym(handle, name) else { return nil }
        return symbol.assumingMemoryBound(to: T.self)
    }
}
