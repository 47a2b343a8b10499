import Foundation
import XCTest

/// Drives `dvae` through a pseudo-terminal with python3's `pty` module: a script of
/// "send these keys" and "wait until the output (since the last match) matches this regex".
enum PseudoTerminal {
    /// One scripted action.
    enum Step {
        /// Type these characters (then pause briefly).
        case send(String)
        /// Wait up to `timeout` seconds for output matching the regex.
        case expect(String, timeout: Double = 20)
        /// Pause.
        case pause(Double)
    }

    /// What a session produced.
    struct Transcript {
        /// Whether every `expect` matched.
        var ok: Bool
        /// The pattern that failed, if any.
        var failedPattern: String?
        /// Exit status (nil if still running when the script ended; it is then killed).
        var status: Int?
        /// Everything written to the terminal.
        var output: String
    }

    /// The python driver: forks `dvae` on a pty, runs the steps, prints a JSON transcript.
    static let driver = #"""
import os, sys, json, pty, select, time, re, signal
binary, steps, extra = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
args = json.loads(sys.argv[4])
env = {k: v for k, v in os.environ.items() if k not in ('NO_COLOR', 'COLORTERM')}
env.update(extra)
pid, fd = pty.fork()
if pid == 0:
    os.execve(binary, [binary] + args, env)
out, mark = b'', 0
def report(ok, failed=None, status=None):
    sys.stdout.write(json.dumps({'ok': ok, 'failed': failed, 'status': status,
                                 'output': out.decode('utf-8', 'replace')}))
def read_some(timeout):
    global out
    r, _, _ = select.select([fd], [], [], max(0, timeout))
    if not r: return None
    try: chunk = os.read(fd, 4096)
    except OSError: chunk = b''
    out += chunk
    return chunk
for kind, text, number in steps:
    if kind == 'send':
        os.write(fd, text.encode()); time.sleep(0.1)
    elif kind == 'pause':
        deadline = time.time() + number
        while time.time() < deadline: read_some(deadline - time.time())
    else:
        rx = re.compile(text.encode(), re.S)
        deadline = time.time() + number
        while not rx.search(out, mark):
            chunk = read_some(deadline - time.time())
            if not chunk:
                report(False, text); os.kill(pid, signal.SIGKILL); sys.exit(0)
        mark = rx.search(out, mark).end()
status, deadline = None, time.time() + 10
while time.time() < deadline:
    read_some(0.1)
    wpid, st = os.waitpid(pid, os.WNOHANG)
    if wpid:
        status = os.waitstatus_to_exitcode(st)
        while read_some(0.05): pass
        break
if status is None:
    os.kill(pid, signal.SIGKILL); os.waitpid(pid, 0)
report(True, None, status)
"""#

    /// Runs the steps against `dvae ARGS` on a fresh pty (TERM=xterm, HOME=`home`; `NO_COLOR`
    /// and `COLORTERM` from the test's own environment are dropped).
    static func run(_ steps: [Step], arguments: [String] = [], home: String,
                    environment: [String: String] = [:]) throws -> Transcript {
        guard let python = python3Path() else { throw XCTSkip("python3 is not installed") }
        let binary = try DVAEBinary.url()
        let encodedSteps: [[Any]] = steps.map {
            switch $0 {
            case .send(let text): return ["send", text, 0]
            case .expect(let pattern, let timeout): return ["expect", pattern, timeout]
            case .pause(let seconds): return ["pause", "", seconds]
            }
        }
        var env = ["HOME": home, "TERM": "xterm", "COLUMNS": "100"]
        for (k, v) in environment { env[k] = v }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", driver, binary.path,
                             String(decoding: try JSONSerialization.data(withJSONObject: encodedSteps), as: UTF8.self),
                             String(decoding: try JSONSerialization.data(withJSONObject: env), as: UTF8.self),
                             String(decoding: try JSONSerialization.data(withJSONObject: arguments), as: UTF8.self)]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            XCTFail("the pty driver printed no transcript")
            return Transcript(ok: false, failedPattern: nil, status: nil, output: "")
        }
        return Transcript(ok: json["ok"] as? Bool ?? false, failedPattern: json["failed"] as? String,
                          status: json["status"] as? Int, output: json["output"] as? String ?? "")
    }
}
