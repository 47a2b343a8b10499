"""Checks `dvae kernel` against the real Jupyter client (jupyter_client).

Started by Tests/dvaeTests/JupyterClientTests.swift with JUPYTER_PATH pointing at a kernelspec
that `dvae kernel install --prefix` wrote. Launches the kernel from that kernelspec, exercises
every message type the kernel answers, and exits non-zero listing each check that failed.
"""

import base64
import os
import sys
import time

import jupyter_client
from jupyter_client.session import Session

failures = []


def check(condition, what):
    """Records a failed check (the script goes on, to report every failure at once)."""
    if not condition:
        failures.append(what)
        print("FAIL:", what, flush=True)
    else:
        print("ok:", what, flush=True)


def run(kc, code, timeout=120, **kwargs):
    """Executes `code`; returns (reply content, IOPub messages of this request in order)."""
    msg_id = kc.execute(code, **kwargs)
    messages = []
    deadline = time.time() + timeout
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        messages.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    return reply["content"], messages


def stdout_of(messages):
    """The stdout stream text of `messages`, with carriage returns applied as a terminal would."""
    text = "".join(m["content"]["text"] for m in messages
                   if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")
    lines = []
    for line in text.split("\n"):
        shown = ""
        for part in line.split("\r"):
            shown = part + shown[len(part):]
        lines.append(shown.rstrip())
    return "\n".join(lines).strip("\n")


def of_type(messages, kind):
    return [m for m in messages if m["msg_type"] == kind]


km = jupyter_client.KernelManager(kernel_name=os.environ.get("DVAE_KERNEL_NAME", "dvae"))
km.start_kernel()
kc = km.client()
kc.start_channels()
kc.wait_for_ready(timeout=60)

try:
    # --- heartbeat and kernel_info ---------------------------------------------------------
    check(kc.hb_channel.is_beating(), "heartbeat: the kernel answers heartbeats")
    info = kc.kernel_info(reply=True, timeout=30)["content"]
    check(info["status"] == "ok" and info["protocol_version"] == "5.3", "kernel_info: protocol 5.3")
    check(info["language_info"]["name"] == "dvae" and info["implementation"] == "dvae",
          "kernel_info: language dvae, implementation dvae")
    check(info["language_info"].get("file_extension") == ".dvae", "kernel_info: file extension .dvae")

    # --- execute: state across cells, counts, execute_input, stream, execute_result ---------
    reply, msgs = run(kc, "let d = load synthetic\nlet x = 20\nprint \"x is\", x")
    first_count = reply["execution_count"]
    check(reply["status"] == "ok", "execute: a cell runs")
    check(stdout_of(msgs) == "x is 20", "execute: print goes to stdout as a stream (got %r)" % stdout_of(msgs))
    inputs = of_type(msgs, "execute_input")
    check(len(inputs) == 1 and inputs[0]["content"]["execution_count"] == first_count,
          "execute: execute_input carries the execution count")
    states = [m["content"]["execution_state"] for m in of_type(msgs, "status")]
    check(states[0] == "busy" and states[-1] == "idle", "execute: busy, then idle")

    reply, msgs = run(kc, "x * 2 + 1")
    check(reply["execution_count"] == first_count + 1, "execute: the execution count goes up by one per cell")
    results = of_type(msgs, "execute_result")
    check(len(results) == 1 and results[0]["content"]["data"]["text/plain"] == "41"
          and results[0]["content"]["execution_count"] == first_count + 1,
          "execute: a final bare expression is the execute_result, and bindings persist across cells")
    check(stdout_of(msgs) == "", "execute: the result is not also printed on stdout")

    reply, msgs = run(kc, "let hidden = 5\nprint \"not shown\"", silent=True)
    check(reply["status"] == "ok" and not of_type(msgs, "stream") and not of_type(msgs, "execute_input"),
          "execute: silent runs publish nothing")
    reply, msgs = run(kc, "print hidden")
    check(stdout_of(msgs) == "5", "execute: a silent cell's bindings are kept")

    reply, _ = run(kc, "print 1", user_expressions={"double": "x * 2", "bad": "nope"})
    ue = reply.get("user_expressions", {})
    check(ue.get("double", {}).get("data", {}).get("text/plain") == "40" and ue.get("bad", {}).get("status") == "error",
          "execute: user_expressions are evaluated (%r)" % ue)

    # --- stream output as it happens: training progress and epoch lines ---------------------
    # Large enough that six epochs take well over 10 ms on the fastest CPU we know (about 30 ms
    # an epoch on a 2-core Zen 4 with AVX-512), so "spread over time" cannot be met by chance or
    # missed because the whole run took a few milliseconds.
    code = ("let m = model vae for d.train hidden [256 256] latent 16 seed 1\n"
            "let r = train m on d.train objective dvae noise salt_pepper 0.1 epochs 6 lr 3e-3 seed 2")
    msg_id = kc.execute(code)
    arrivals = []
    while True:
        msg = kc.get_iopub_msg(timeout=120)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            arrivals.append((time.time(), msg["content"]["text"]))
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    reply = kc.get_shell_msg(timeout=60)["content"]
    epoch_times = [t for t, text in arrivals if "epoch" in text and "train" in text and "\r" not in text]
    check(reply["status"] == "ok" and len(epoch_times) == 6, "stream: one stdout message per epoch line (%d)" % len(epoch_times))
    span = epoch_times[-1] - epoch_times[0] if len(epoch_times) == 6 else 0.0
    check(len(epoch_times) == 6 and span > 0.01,
          "stream: epoch lines arrive while training runs, not all at the end (first to last %.3f s)" % span)
    check(any(text.startswith("\r") and "ETA" in text for _, text in arrivals),
          "stream: a live progress line (carriage return, ETA) while training")

    # --- display_data: pictures as PNG, plots as SVG, each with text/plain -------------------
    reply, msgs = run(kc, "show d.test[0:8]\nshow r")
    displays = of_type(msgs, "display_data")
    check(len(displays) == 2, "display_data: one picture and one plot (%d)" % len(displays))
    if len(displays) == 2:
        png = displays[0]["content"]["data"]
        check("image/png" in png and base64.b64decode(png["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"
              and png.get("text/plain"), "display_data: a picture is image/png (a real PNG) plus text/plain")
        svg = displays[1]["content"]["data"]
        check(svg.get("image/svg+xml", "").lstrip().startswith("<svg") and svg.get("text/plain"),
              "display_data: a plot is image/svg+xml plus text/plain")
    reply, msgs = run(kc, "sample m 4")
    results = of_type(msgs, "execute_result")
    check(len(results) == 1 and "image/png" in results[0]["content"]["data"],
          "execute_result: a picture value is shown as image/png")

    # --- error: located message and caret; the session survives ------------------------------
    reply, msgs = run(kc, "let y = 1\nbound m on d.tset elbo")
    errors = of_type(msgs, "error")
    check(reply["status"] == "error" and len(errors) == 1, "error: a failing cell replies status error and publishes error")
    if errors:
        tb = "\n".join(errors[0]["content"]["traceback"])
        count = reply["execution_count"]
        check(("In[%d]:2:12: error: dataset splits has no member `tset`" % count) in tb,
              "error: the message is located (In[n]:line:col) (%r)" % tb)
        check("bound m on d.tset elbo" in tb and "^~~~" in tb and "did you mean `test`?" in tb,
              "error: the traceback shows the source line, the caret and the hint")
        check(errors[0]["content"]["ename"] == "ScriptError", "error: ename ScriptError")
    reply, msgs = run(kc, "print y, x")
    check(stdout_of(msgs) == "1 20", "error: bindings made before and after an error are kept")

    # stop_on_error: a queued cell behind a failing one is aborted
    first = kc.execute("train m on d.train epochs 2 seed 3\nprint nope")
    second = kc.execute("print \"should not run\"")
    replies = {}
    while len(replies) < 2:
        msg = kc.get_shell_msg(timeout=120)
        replies[msg["parent_header"]["msg_id"]] = msg["content"]
    check(replies[first]["status"] == "error" and replies[second]["status"] == "aborted",
          "execute: a cell queued behind a failing one is aborted (stop_on_error)")

    # --- complete -------------------------------------------------------------------------
    code = "let m2 = model vae for d.tr"
    c = kc.complete(code, len(code), reply=True, timeout=30)["content"]
    check(c["status"] == "ok" and "d.train" in c["matches"] and c["cursor_start"] == len(code) - 4
          and c["cursor_end"] == len(code), "complete: members of a variable (%r)" % c)
    code = "train m on d.train objective "
    c = kc.complete(code, len(code), reply=True, timeout=30)["content"]
    check(set(["vae", "iwae", "dvae", "diwae"]) <= set(c["matches"]), "complete: the values after `objective`")
    code = "let σ = 1\ntr"
    c = kc.complete(code, len(code), reply=True, timeout=30)["content"]
    check("train" in c["matches"] and c["cursor_start"] == len(code) - 2,
          "complete: commands at the start of a statement; cursor counted in code points")
    code = 'load "Tests/jup'
    c = kc.complete(code, len(code), reply=True, timeout=30)["content"]
    check("Tests/jupyter/" in c["matches"], "complete: file names inside a string (%r)" % c["matches"])

    # --- inspect --------------------------------------------------------------------------
    i = kc.inspect("?train", 3, reply=True, timeout=30)["content"]
    check(i["status"] == "ok" and i["found"] and "train M on DATA" in i["data"]["text/plain"],
          "inspect: `?train` gives the command's help")
    i = kc.inspect("print d.train", 9, reply=True, timeout=30)["content"]
    check(i["found"] and "dataset" in i["data"]["text/plain"], "inspect: a variable's summary")
    i = kc.inspect("zzz_unknown", 2, reply=True, timeout=30)["content"]
    check(i["status"] == "ok" and not i["found"], "inspect: an unknown word is not found")

    # --- is_complete ----------------------------------------------------------------------
    def is_complete(code):
        msg_id = kc.shell_channel.send(kc.session.msg("is_complete_request", {"code": code})) or None
        reply = kc.get_shell_msg(timeout=30)
        return reply["content"]

    check(is_complete("for p in [0 0.05] {")["status"] == "incomplete", "is_complete: an open brace is incomplete")
    check(is_complete("let a = [1, 2,")["status"] == "incomplete", "is_complete: an open bracket is incomplete")
    check(is_complete("print 1 + 1")["status"] == "complete", "is_complete: a statement is complete")
    check(is_complete("let = 3")["status"] == "invalid", "is_complete: a syntax error is invalid")

    # --- history --------------------------------------------------------------------------
    h = kc.history(hist_access_type="tail", n=2, output=False, raw=True, reply=True, timeout=30)["content"]
    check(h["status"] == "ok" and [e[2] for e in h["history"]] == ["print y, x", "train m on d.train epochs 2 seed 3\nprint nope"],
          "history: tail gives the last inputs, not an aborted one (%r)" % h["history"])
    h = kc.history(hist_access_type="search", pattern="x * 2*", output=True, raw=True, reply=True, timeout=30)["content"]
    check(len(h["history"]) == 1 and h["history"][0][2] == ["x * 2 + 1", "41"], "history: search, with outputs")
    h = kc.history(hist_access_type="range", session=0, start=first_count, stop=first_count + 2,
                   output=False, raw=True, reply=True, timeout=30)["content"]
    check([e[1] for e in h["history"]] == [first_count, first_count + 1], "history: range of lines")

    # --- comm_info ------------------------------------------------------------------------
    kc.shell_channel.send(kc.session.msg("comm_info_request", {}))
    ci = kc.get_shell_msg(timeout=30)
    check(ci["msg_type"] == "comm_info_reply" and ci["content"]["status"] == "ok" and ci["content"]["comms"] == {},
          "comm_info: no open comms")

    # --- interrupt during train: SIGINT (interrupt_mode signal) -----------------------------
    def interrupt_training(interrupt, label):
        msg_id = kc.execute("let long = train m on d.train epochs 100000 seed 4")
        started = time.time()
        seen_epoch = False
        while time.time() - started < 60:
            msg = kc.get_iopub_msg(timeout=60)
            # A finished epoch's line (not the live progress line, which starts with \r).
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream" \
                    and msg["content"]["text"].startswith("epoch 1/100000") and "train" in msg["content"]["text"]:
                seen_epoch = True
                break
        check(seen_epoch, "interrupt (%s): training was running" % label)
        interrupt()
        stopped, text = None, ""
        while True:
            msg = kc.get_iopub_msg(timeout=60)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream":
                text += msg["content"]["text"]
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                stopped = time.time()
                break
        reply = kc.get_shell_msg(timeout=60)["content"]
        check(reply["status"] == "ok" and "training interrupted at epoch" in text and "model keeps what it learned" in text,
              "interrupt (%s): training stops at the next step and says so" % label)
        check(stopped - started < 50, "interrupt (%s): well before 100000 epochs" % label)
        reply, msgs = run(kc, "print long.epochs > 0, m.epochs > 0")
        check(stdout_of(msgs) == "true true", "interrupt (%s): the model keeps its training (%r)" % (label, stdout_of(msgs)))

    interrupt_training(km.interrupt_kernel, "SIGINT")

    def control_interrupt():
        kc.control_channel.send(kc.session.msg("interrupt_request", {}))
        reply = kc.control_channel.get_msg(timeout=30)
        check(reply["msg_type"] == "interrupt_reply" and reply["content"]["status"] == "ok",
              "interrupt_request on control: interrupt_reply ok")

    interrupt_training(control_interrupt, "interrupt_request")

    # --- a wrong signature is dropped -------------------------------------------------------
    forger = Session(key=b"not-the-key", session=kc.session.session, username=kc.session.username)
    forged = forger.msg("execute_request", {"code": "let forged = 1", "silent": False, "store_history": True,
                                            "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
    forger.send(kc.shell_channel.socket, forged)
    got_reply = True
    try:
        while True:
            msg = kc.get_shell_msg(timeout=3)
            if msg["parent_header"].get("msg_id") == forged["header"]["msg_id"]:
                break
    except Exception:
        got_reply = False
    check(not got_reply, "signature: a message with a wrong signature gets no reply")
    reply, msgs = run(kc, "print forged")
    check(reply["status"] == "error", "signature: a message with a wrong signature did not run")
    check(kc.is_alive() and kc.hb_channel.is_beating(), "signature: the kernel is still alive")

    # --- shutdown -------------------------------------------------------------------------
    kc.control_channel.send(kc.session.msg("shutdown_request", {"restart": False}))
    reply = kc.control_channel.get_msg(timeout=30)
    check(reply["msg_type"] == "shutdown_reply" and reply["content"]["status"] == "ok" and reply["content"]["restart"] is False,
          "shutdown: shutdown_reply ok")
    deadline = time.time() + 20
    while km.is_alive() and time.time() < deadline:
        time.sleep(0.1)
    check(not km.is_alive(), "shutdown: the kernel process exits by itself")
    exit_code = km.provisioner.process.poll() if km.provisioner and km.provisioner.process else None
    check(exit_code == 0, "shutdown: exit status 0 (%r)" % exit_code)
finally:
    kc.stop_channels()
    if km.is_alive():
        km.shutdown_kernel(now=True)

# The last lines name every failed check, so a log that keeps only the tail still says which.
print("%d check(s) failed: %s" % (len(failures), "; ".join(failures)) if failures else "all checks passed")
sys.exit(1 if failures else 0)
