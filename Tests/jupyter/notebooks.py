"""Runs notebooks through the dvae kernel with real Jupyter tools and compares with `dvae run`.

Started by Tests/dvaeTests/JupyterClientTests.swift (JUPYTER_PATH points at kernelspecs written
by `dvae kernel install --prefix`: `dvae` and `dvae-test`, the latter with `--test`).

For each notebook given as NAME:KERNEL: `dvae convert` it to .ipynb, execute that with nbclient,
and check that the text it printed (stdout, results and the text form of pictures, in order) is
what `dvae run` prints for the same notebook (same seeds, same numbers; wall times masked), and
that every picture is there as image/png and every plot as image/svg+xml, as many as the
rendered copy of `dvae run --out` has. With --html NAME: also `jupytext --to ipynb` the notebook
and render it with `jupyter nbconvert --execute --to html`, and check the page.

Exit status 1 lists each failed check.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

import nbclient
import nbformat

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what, flush=True)
    else:
        print("ok:", what, flush=True)


def apply_carriage_returns(text):
    """The text as a terminal shows it: `\\r` returns to the line's start and overwrites."""
    lines = []
    for line in text.split("\n"):
        shown = ""
        for part in line.split("\r"):
            shown = part + shown[len(part):]
        lines.append(shown)
    return "\n".join(lines)


TIME = re.compile(r"\(\d+(\.\d+)? s\)|time: \S+")
PROGRESS = re.compile(r"ETA \d|^loading .*…$")


def normalise(text):
    """Wall times masked, trailing blanks and blank lines dropped, progress lines removed."""
    out = []
    for line in apply_carriage_returns(text).split("\n"):
        line = TIME.sub("(time)", line.rstrip())
        if line and not PROGRESS.search(line):
            out.append(line)
    return out


def kernel_transcript(nb):
    """All text the executed notebook shows, in order, and its pictures and plots."""
    text, pngs, svgs = "", 0, 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            kind = output["output_type"]
            if kind == "stream" and output["name"] == "stdout":
                text += output["text"]
            elif kind in ("execute_result", "display_data"):
                data = output["data"]
                text += data.get("text/plain", "") + "\n"
                pngs += "image/png" in data
                svgs += "image/svg+xml" in data
            elif kind == "error":
                text += "\n".join(output["traceback"]) + "\n"
    return text, pngs, svgs


def run_notebook(dvae, root, work, name, kernel):
    source = os.path.join(root, "notebooks", name + ".md")
    test_mode = kernel.endswith("-test")
    ipynb = os.path.join(work, name + ".ipynb")
    subprocess.run([dvae, "convert", source, "--to", "ipynb", "-o", ipynb], check=True)

    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "COLORTERM")}
    out_dir = os.path.join(work, "rendered-" + name)
    reference = subprocess.run([dvae, "run", source, "--out", out_dir] + (["--test"] if test_mode else []),
                               cwd=root, env=env, capture_output=True, text=True)
    check(reference.returncode == 0, "%s: dvae run succeeds (%s)" % (name, reference.stderr[-500:]))
    files = os.listdir(out_dir) if os.path.isdir(out_dir) else []
    expected_pngs = sum(f.endswith(".png") for f in files)
    expected_svgs = sum(f.endswith(".svg") for f in files)

    nb = nbformat.read(ipynb, as_version=4)
    client = nbclient.NotebookClient(nb, kernel_name=kernel, timeout=600, resources={"metadata": {"path": root}})
    try:
        client.execute()
        executed = True
    except Exception as error:  # a failing cell: report it, compare what ran
        print(error)
        executed = False
    check(executed, "%s: every cell runs in the kernel" % name)
    text, pngs, svgs = kernel_transcript(nb)

    got, want = normalise(text), normalise(reference.stdout)
    if got != want:
        import difflib
        print("\n".join(difflib.unified_diff(want, got, "dvae run", "kernel", lineterm="", n=1)))
    check(got == want, "%s: the kernel's text outputs are dvae run's (%d lines)" % (name, len(want)))
    check(pngs == expected_pngs and pngs > 0 or expected_pngs == 0 and pngs == 0,
          "%s: %d pictures as image/png (dvae run --out wrote %d PNG files)" % (name, pngs, expected_pngs))
    check(svgs == expected_svgs, "%s: %d plots as image/svg+xml (dvae run --out wrote %d SVG files)" % (name, svgs, expected_svgs))
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    check(counts == list(range(1, len(counts) + 1)), "%s: execution counts 1…%d" % (name, len(counts)))


def render_html(bin_dir, root, work, name, kernel):
    """`jupytext --to ipynb` the notebook as it is, then `jupyter nbconvert --execute --to html`."""
    ipynb = os.path.join(work, "jupytext-" + name + ".ipynb")
    # jupytext reads the repository's jupytext.toml (```dvae fences are code cells).
    subprocess.run([os.path.join(bin_dir, "jupytext"), "--to", "ipynb", "-o", ipynb,
                    os.path.join(root, "notebooks", name + ".md")], check=True, cwd=root)
    nb = nbformat.read(ipynb, as_version=4)
    code_cells = sum(c.cell_type == "code" for c in nb.cells)
    fences = open(os.path.join(root, "notebooks", name + ".md"), encoding="utf-8").read().count("\n```dvae")
    check(code_cells == fences and code_cells > 0, "jupytext: %s has %d code cells (%d ```dvae blocks)" % (name, code_cells, fences))
    result = subprocess.run([os.path.join(bin_dir, "jupyter"), "nbconvert", "--to", "html", "--execute",
                             "--ExecutePreprocessor.kernel_name=" + kernel, "--ExecutePreprocessor.timeout=600",
                             "--output-dir", work, ipynb], capture_output=True, text=True, cwd=root)
    check(result.returncode == 0, "nbconvert --execute --to html %s (%s)" % (name, result.stderr[-800:]))
    page_path = os.path.join(work, "jupytext-" + name + ".html")
    page = open(page_path, encoding="utf-8").read() if os.path.exists(page_path) else ""
    check("<svg" in page or "data:image/svg+xml" in page, "html: the page has the notebook's plots inline")
    check("log p(x) =" in page and "holds" in page, "html: the page has the notebook's numbers and verdicts")
    check("ScriptError" not in page and "Traceback" not in page, "html: no errors on the page")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dvae", required=True)
    parser.add_argument("--root", required=True)
    parser.add_argument("--html", default=None, help="NAME:KERNEL to render with nbconvert")
    parser.add_argument("notebooks", nargs="*", help="NAME:KERNEL")
    args = parser.parse_args()
    bin_dir = os.path.dirname(sys.executable)
    with tempfile.TemporaryDirectory(prefix="dvae-jupyter-") as work:
        for item in args.notebooks:
            name, kernel = item.split(":")
            run_notebook(args.dvae, args.root, work, name, kernel)
        if args.html:
            name, kernel = args.html.split(":")
            render_html(bin_dir, args.root, work, name, kernel)
    print("%d check(s) failed: %s" % (len(failures), "; ".join(failures)) if failures else "all checks passed")
    sys.exit(1 if failures else 0)


main()
