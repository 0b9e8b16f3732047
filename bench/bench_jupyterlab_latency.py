"""Round-trip latency in a real JupyterLab, timed inside the page (what a person feels).

    .venv/bin/python bench/bench_jupyterlab_latency.py [--rounds 40] [--json out.json]

Starts JupyterLab on loopback twice, with pywebio_nb's server extension (it turns
TCP_NODELAY on for the kernel WebSocket) and without it
(``--ServerApp.jpserver_extensions=pywebio_nb=False``), opens one notebook per kernel
flush rule in headless Chromium (``/usr/bin/chromium``), and times, each ``--rounds``
times in a row after a few warm-up rounds:

- ``ipywidgets``: ``Button.on_click`` -> ``Label.value`` (the reference);
- ``pywebio click``: ``put_buttons`` callback -> ``use_scope(clear=True)`` + ``put_text``;
- ``pywebio input``: ``input()`` Submit -> the next ``input()`` form shown (event pump).

Each round is ``performance.now()`` before ``element.click()`` until the expected text is
in the DOM, seen by a MutationObserver on the cell and its shadow roots (no polling loop:
one would burn the CPU the kernel and the server need, and nested ``setTimeout`` is
clamped to 4 ms). The kernel WebSocket's frames
are timestamped by a wrapper installed before JupyterLab loads: each round's breakdown
says when the comm message left, when the kernel's ``status`` frames and the output's
``comm_msg`` frame arrived.

Kernel rules, interleaved round by round in the same kernel (so the machine's load hits
them alike), switched by a button: ``new`` is the kernel's rule (a callback's output
leaves when it returns, a lone update at once, the kernel's message loop waits up to
``KernelSession.CALLBACK_GRACE`` for a quick callback, and the event pump publishes the
click's busy/idle statuses *after* its output: ``EventPump.reply_first``); ``statuses
first`` the same with ipykernel's status order (busy, output, idle: the rule before
2026-12-01); ``old`` emulates the former fixed 16 ms timer (every flush waits
``FLUSH_INTERVAL`` after the first buffered command), no wait, statuses first. The input
path alternates question by question between the pump's two status orders (``new``:
the next form ahead of the answer's statuses; ``statuses first``: busy, idle, busy, form).

Rounds are ``--think-ms`` (100) apart, as a person's clicks are: clicking the moment the
DOM changed (``--think-ms 0``) lands the click while the page still handles the previous
round's idle status and renders, and the inputs' auto-focus runs after the click. An
input's answer is typed, then submitted ``--think-ms`` later (JupyterLab handles the
typing's ``selectionchange`` in between, as it would for a person).

``--trace`` stamps every hop on one clock (``_jupyterlab_trace.py``): page, DevTools
frames, the Jupyter server's WebSocket/ZMQ bridge, the kernel's shell thread, main thread
and IOPub thread, message by message; ``--chrome-trace FILE`` adds the renderer's main
thread tasks (heavy: it slows everything down 2-3x, read it for the order, not the ms).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pathlib
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import _jupyterlab_trace as _trace  # this folder is no package

REPO = pathlib.Path(__file__).resolve().parents[1]
VENV_BIN = pathlib.Path(sys.prefix) / "bin"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
]
SERVER_CONFIG = """\
c.LabApp.expose_app_in_browser = True
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
"""
USER_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}

CELLS = [
    # 0: ipywidgets reference
    "import ipywidgets as w\n"
    "count = [0]\n"
    "button, label = w.Button(description='ipyw go'), w.Label('ipyw 0')\n"
    "def on_click(_):\n"
    "    count[0] += 1\n"
    "    label.value = f'ipyw done {count[0]}'\n"
    "button.on_click(on_click)\n"
    "display(w.VBox([button, label]))",
    # 1: pywebio_nb callback; kernel wall-clock stamps: callback start, output buffered
    "import time\n"
    "from pywebio_nb.jupyter._kernel_session import kernel_session\n"
    "from pywebio_nb.output import put_buttons, put_text, use_scope\n"
    "clicks, stamps, dispatched = [0], [], [0.0]\n"
    "session = kernel_session(create=True)\n"
    "def timed_dispatch(message, *args, _dispatch=session.dispatch):  # the comm handler\n"
    "    dispatched[0] = time.time()\n"
    "    return _dispatch(message, *args)\n"
    "session.dispatch = timed_dispatch  # cell roots made from now on call it\n"
    "def on_go(_):\n"
    "    start = time.time()\n"
    "    clicks[0] += 1\n"
    "    with use_scope('lat', clear=True):\n"
    "        put_text(f'pw done {clicks[0]}')\n"
    "    stamps.append((dispatched[0] * 1000, start * 1000, time.time() * 1000))\n"
    "put_buttons(['pw go'], onclick=on_go)",
    # 2: the flush rule switch: 'old' emulates the former fixed timer
    "import contextlib, itertools\n"
    "from pywebio_nb.jupyter._kernel_session import KernelTransport\n"
    "from pywebio_nb.jupyter._kernel_session import KernelSession\n"
    "RULE = (KernelTransport._in_burst, KernelTransport.burst)\n"
    "switches = itertools.count(1)\n"
    "# None in an older pywebio_nb (--pythonpath): every rule keeps ipykernel's order\n"
    "REPLY_FIRST = getattr(session.pump, 'reply_first', None)\n"
    "def order(first):\n"
    "    if REPLY_FIRST is not None:\n"
    "        session.pump.reply_first = REPLY_FIRST if first else (lambda msg: False)\n"
    "def set_rule(rule):\n"
    "    if rule == 'old':  # every flush waits FLUSH_INTERVAL, none at a callback's end\n"
    "        KernelTransport._in_burst = lambda self: True\n"
    "        KernelTransport.burst = lambda self: contextlib.nullcontext()\n"
    "    else:\n"
    "        KernelTransport._in_burst, KernelTransport.burst = RULE\n"
    "    KernelSession.CALLBACK_GRACE = 0.0 if rule == 'old' else 0.01\n"
    "    # 'first': ipykernel's status order (busy before the handler's output)\n"
    "    order(rule == 'new')\n"
    "    with use_scope('rule', clear=True):\n"
    "        put_text(f'rule {rule} {next(switches)}')\n"
    "put_buttons(['rule old', 'rule first', 'rule new'], onclick=lambda v: set_rule(v.split()[1]))",
    # 3: the stamps, read by the page
    "import json\nprint('STAMPS' + json.dumps(stamps))",
    # 4: pywebio_nb blocking inputs (filled in with the number of rounds)
    "",
]

# Installed before JupyterLab loads: timestamps every kernel WebSocket frame.
FRAME_RECORDER = r"""
(() => {
  const frames = (window.__frames = []);
  const describe = (data) => {
    if (typeof data === "string") {
      try {
        const m = JSON.parse(data);
        const h = m.header || {};
        return [m.channel || "", h.msg_type || "", h.msg_id || ""];
      } catch (e) { return ["", "", ""]; }
    }
    if (!(data instanceof ArrayBuffer)) return ["", "", ""];
    try {  // v1.kernel.websocket.jupyter.org: offsets, then channel, header, ...
      const view = new DataView(data);
      const n = Number(view.getBigUint64(0, true));
      const off = (i) => Number(view.getBigUint64(8 * (i + 1), true));
      const text = (a, b) => new TextDecoder().decode(new Uint8Array(data, a, b - a));
      const channel = text(off(0), off(1));
      const header = JSON.parse(text(off(1), off(2)));
      return n > 2 ? [channel, header.msg_type, header.msg_id] : [channel, "", ""];
    } catch (e) { return ["", "", ""]; }
  };
  const size = (d) => (typeof d === "string" ? d.length : d.byteLength || d.size || 0);
  const Native = window.WebSocket;
  class Recorded extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (ev) => {
        frames.push([performance.now(), "in", size(ev.data), ...describe(ev.data)]);
      });
    }
    send(data) {
      frames.push([performance.now(), "out", size(data), ...describe(data)]);
      return super.send(data);
    }
  }
  window.WebSocket = Recorded;
})();
"""

# Page helpers: a deep (shadow-root piercing) search, and a poll on every event-loop task.
HELPERS = r"""
window.__deep = (root, pred) => {
  const stack = [root];
  while (stack.length) {
    const node = stack.pop();
    if (node.nodeType === 1 && pred(node)) return node;
    if (node.shadowRoot) stack.push(node.shadowRoot);
    for (let c = node.lastChild; c; c = c.previousSibling) if (c.nodeType === 1) stack.push(c);
  }
  return null;
};
window.__deepText = (root) => {
  const out = [];
  const walk = (n) => {
    if (n.nodeType === 3) { out.push(n.textContent); return; }
    if (n.shadowRoot) walk(n.shadowRoot);
    for (const c of n.childNodes) walk(c);
  };
  walk(root);
  return out.join(" ");
};
// Resolves with the time the DOM first satisfies check(): a MutationObserver on the
// root and every shadow root below it (checked in the microtask after each change, no
// polling that would burn the CPU the kernel and the server need), plus a slow
// fallback poll for shadow roots made meanwhile.
window.__until = (root, check, limitMs) => new Promise((resolve, reject) => {
  const start = performance.now();
  const observer = new MutationObserver(() => test());
  const observe = () => {
    const stack = [root];
    while (stack.length) {
      const node = stack.pop();
      if (node.shadowRoot && !node.shadowRoot.__observed) {
        node.shadowRoot.__observed = true;
        observer.observe(node.shadowRoot, { childList: true, subtree: true, characterData: true });
      }
      for (const c of node.children || []) stack.push(c);
      if (node.shadowRoot) for (const c of node.shadowRoot.children) stack.push(c);
    }
  };
  let timer = null;
  const done = (ok, t) => {
    observer.disconnect();
    clearInterval(timer);
    const stack = [root];  // forget the marks so the next wait observes again
    while (stack.length) {
      const node = stack.pop();
      if (node.shadowRoot) {
        delete node.shadowRoot.__observed;
        stack.push(...node.shadowRoot.children);
      }
      stack.push(...(node.children || []));
    }
    ok ? resolve(t) : reject(new Error("timeout"));
  };
  const test = () => {
    const t = performance.now();
    if (check()) done(true, t);
    else if (t - start > limitMs) done(false, t);
  };
  observer.observe(root, { childList: true, subtree: true, characterData: true });
  observe();
  timer = setInterval(() => { observe(); test(); }, 50);
  test();
});
window.__cell = (i) =>
  document.querySelectorAll(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell")[i];
"""

# Round after round, each path in turn: [name, cell, button, expected prefix, rule or null].
CLICK_ROUNDS = r"""
async ([paths, rounds, warmup, think]) => {
  const pause = () => new Promise((resolve) => setTimeout(resolve, think));
  const counts = {};
  const results = {};
  let switches = 0;
  const clickAndWait = async (cellIndex, label, want) => {
    const cell = window.__cell(cellIndex);
    const button = window.__deep(cell, (el) => el.tagName === "BUTTON" &&
                                           el.textContent.trim() === label);
    const marker = window.__frames.length;
    const t0 = performance.now();
    button.click();
    const t1 = await window.__until(cell, () => window.__deep(cell, (el) =>
        el.childElementCount === 0 && el.textContent.trim() === want) !== null, 10000);
    const frames = window.__frames.slice(marker).map((f) => [f[0] - t0, f[1], f[2], f[3], f[4]]);
    return [t1 - t0, frames, performance.timeOrigin + t0, t0];
  };
  for (const [name] of paths) results[name] = [];
  for (let i = 1; i <= rounds + warmup; i++) {
    for (const [name, cellIndex, label, prefix, rule] of paths) {
      if (rule !== null) {
        switches += 1;
        await clickAndWait(2, `rule ${rule}`, `rule ${rule} ${switches}`);
        await pause();
      }
      counts[label] = (counts[label] || 0) + 1;
      const round = await clickAndWait(cellIndex, label, `${prefix} ${counts[label]}`);
      round.push(counts[label] - 1);  // which click of that button (kernel stamps index)
      if (i > warmup) results[name].push(round);
      await pause();
    }
  }
  return results;
}
"""

INPUT_ROUNDS = r"""
async ([cellIndex, rounds, warmup, think]) => {
  const pause = () => new Promise((resolve) => setTimeout(resolve, think));
  const cell = window.__cell(cellIndex);
  const pending = (label) => window.__deep(cell, (el) =>
      el.tagName === "FORM" && el.classList.contains("pywebio-form") &&
      el.textContent.includes(label) && !el.querySelector("button[type=submit][disabled]"));
  const results = [];
  await window.__until(cell, () => pending("question 0 ") !== null, 20000);
  for (let i = 0; i < rounds + warmup; i++) {
    const form = pending(`question ${i} `);
    const field = form.querySelector("input");
    field.value = String(i);
    field.dispatchEvent(new Event("input", { bubbles: true }));
    // typed, then clicked a moment later (the page handles the typing's events first)
    await pause();
    const submit = form.querySelector("button[type=submit]");
    const marker = window.__frames.length;
    const t0 = performance.now();
    submit.click();
    const returned = performance.now();
    const t1 = await window.__until(cell, () => pending(`question ${i + 1} `) !== null, 10000);
    const frames = window.__frames.slice(marker).map((f) => [f[0] - t0, f[1], f[2], f[3], f[4]]);
    frames.push([returned - t0, "page", 0, "", "click returned"]);
    // the next question's label carries the kernel's wall clock when input() returned
    const asked = /@([0-9.]+)/.exec(pending(`question ${i + 1} `).textContent);
    if (asked) frames.push([Number(asked[1]) - (performance.timeOrigin + t0), "kernel", 0, "",
                            "answer taken"]);
    if (i >= warmup) results.push([t1 - t0, frames, t0, i]);
  }
  return results;
}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def jupyterlab(
    base: pathlib.Path,
    extension: bool,
    subshells: str = "perCommTarget",
    trace: pathlib.Path | None = None,
    pythonpath: str | None = None,
) -> Iterator[tuple[str, str, pathlib.Path]]:
    """JupyterLab on loopback in fresh dirs; (base URL, token, root dir).

    With ``trace``, the server stamps every kernel message it forwards into that file.
    """
    dirs = {k: base / k for k in ("config", "data", "runtime", "settings", "workspaces", "root")}
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)
    (dirs["config"] / "jupyter_server_config.py").write_text(
        SERVER_CONFIG + (_trace.SERVER_PATCH if trace is not None else "")
    )
    settings = dict(USER_SETTINGS)
    settings["@jupyterlab/apputils-extension/kernels-settings.jupyterlab-settings"] = {
        "commsOverSubshells": subshells
    }
    for rel, value in settings.items():
        path = dirs["settings"] / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))
    env = dict(os.environ)
    env.update(
        JUPYTER_CONFIG_DIR=str(dirs["config"]),
        JUPYTER_DATA_DIR=str(dirs["data"]),
        JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
        JUPYTERLAB_SETTINGS_DIR=str(dirs["settings"]),
        JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]),
        JUPYTER_PLATFORM_DIRS="1",
        PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
    )
    if trace is not None:
        env["PYWEBIO_NB_BENCH_TRACE"] = str(trace)
    if pythonpath:  # another checkout's pywebio_nb (kernel and server), for an A/B
        env["PYTHONPATH"] = os.pathsep.join([pythonpath, env.get("PYTHONPATH", "")])
    port, token = _free_port(), secrets.token_hex(16)
    cmd = [
        str(VENV_BIN / "jupyter"),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={dirs['root']}",
    ]
    if not extension:
        cmd.append("--ServerApp.jpserver_extensions=pywebio_nb=False")
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(base / "jupyter.log", "wb")  # closed in finally
    proc = subprocess.Popen(
        cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((base / "jupyter.log").read_text()[-3000:]) from None
                time.sleep(0.1)  # bounded readiness poll
        yield url, token, dirs["root"]
    finally:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=10)
                break
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def nodelay_state(url: str, token: str) -> str:
    try:
        with urllib.request.urlopen(f"{url}/pywebio/api/status?token={token}", timeout=2) as r:
            return json.dumps(json.loads(r.read()))
    except OSError as exc:
        return f"no extension ({exc.__class__.__name__})"


def write_notebook(root: pathlib.Path, name: str, rounds: int) -> None:
    import nbformat

    cells = list(CELLS)
    cells[4] = (
        "import time\n"
        "from pywebio_nb.input import input\n"
        f"for i in range({rounds + 1}):\n"
        "    # odd questions: ipykernel's status order for their answer (see the docstring)\n"
        "    order(i % 2 == 0)\n"
        "    input(f'question {i} @{time.time() * 1000:.1f}')\n"
        "order(True)"
    )
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Py", "language": "python"}
    # 5, 6: --trace only: the kernel's stamps, then their dump into the root dir
    cells.append(_trace.KERNEL_PATCH)
    cells.append("import json\njson.dump(ktrace, open('ktrace.json', 'w'))\nprint('KTRACE saved')")
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nbformat.write(nb, str(root / name))


KERNEL_READY = """(name) => {
  const app = window.jupyterapp; const w = app && app.shell && app.shell.currentWidget;
  if (!w || !w.context || !w.sessionContext || !w.context.path.endsWith(name)) return false;
  if (!w.context.isReady || !w.sessionContext.isReady) return false;
  const k = w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.connectionStatus === 'connected' && k.status === 'idle';
}"""


def run_cell(page: Any, index: int) -> None:
    page.evaluate(
        """(i) => { const nb = window.jupyterapp.shell.currentWidget.content;
             nb.activeCellIndex = i; nb.deselectAll();
             window.jupyterapp.commands.execute('notebook:run-cell'); }""",
        index,
    )


PATHS = [
    ["ipywidgets", 0, "ipyw go", "ipyw done", None],
    ["pywebio click, old rule", 1, "pw go", "pw done", "old"],
    ["pywebio click, statuses first", 1, "pw go", "pw done", "first"],
    ["pywebio click, new rule", 1, "pw go", "pw done", "new"],
]


def measure(
    page: Any,
    url: str,
    token: str,
    name: str,
    rounds: int,
    warmup: int,
    trace: bool = False,
    think_ms: float = 0,
) -> dict[str, Any]:
    page.goto(f"{url}/lab/workspaces/b{secrets.token_hex(4)}/tree/{name}?reset&token={token}")
    page.wait_for_function(KERNEL_READY, arg=name, timeout=60_000)
    page.evaluate(HELPERS)
    for index in (5, 0, 1, 2) if trace else (0, 1, 2):
        run_cell(page, index)
        page.wait_for_function(
            """(i) => window.jupyterapp.shell.currentWidget.content.widgets[i]
                 .model.executionCount !== null""",
            arg=index,
            timeout=60_000,
        )
    try:
        page.wait_for_function(
            """() => window.__deep(window.__cell(2), (el) => el.tagName === 'BUTTON'
                      && el.textContent.trim() === 'rule new') !== null""",
            timeout=60_000,
        )
    except Exception:
        shown = page.evaluate("() => [0, 1, 2].map((i) => window.__deepText(window.__cell(i)))")
        raise RuntimeError(f"the notebook's buttons never showed; its cells show {shown}") from None
    results: dict[str, Any] = page.evaluate(CLICK_ROUNDS, [PATHS, rounds, warmup, think_ms])
    run_cell(page, 3)
    stamps = json.loads(
        page.wait_for_function(
            """() => { const t = window.__cell(3).querySelector('.jp-OutputArea-output');
                 return t && t.textContent.includes('STAMPS') && t.textContent; }""",
            timeout=60_000,
        )
        .json_value()
        .split("STAMPS", 1)[1]
    )
    for path in [p[0] for p in PATHS if p[4] is not None]:
        for _, frames, clicked, _t0, index in results[path]:
            dispatched, started, buffered = stamps[index]
            # kernel-side marks on the page's timeline (same machine, same wall clock)
            frames.append([dispatched - clicked, "kernel", 0, "", "comm handler"])
            frames.append([started - clicked, "kernel", 0, "", "callback start"])
            frames.append([buffered - clicked, "kernel", 0, "", "callback end"])
    run_cell(page, 4)
    inputs = page.evaluate(INPUT_ROUNDS, [4, 2 * rounds, warmup, think_ms])  # two orders
    results["pywebio input, new"] = [r for r in inputs if r[3] % 2 == 0]
    results["pywebio input, statuses first"] = [r for r in inputs if r[3] % 2 == 1]
    if trace:
        results["page frames"] = page.evaluate("() => window.__frames")
        # answer the last question: the input cell ends, the dump cell can run
        page.evaluate(
            """() => { const f = window.__deep(window.__cell(4), (el) => el.tagName === "FORM"
                         && !el.querySelector("button[type=submit][disabled]"));
                       f.querySelector("button[type=submit]").click(); }"""
        )
        run_cell(page, 6)
        page.wait_for_function(
            """() => { const t = window.__cell(6).querySelector('.jp-OutputArea-output');
                 return t && t.textContent.includes('KTRACE saved'); }""",
            timeout=60_000,
        )
    return results


def print_trace(
    results: dict[str, Any], base: pathlib.Path, root: pathlib.Path, chrome_trace: str | None
) -> dict[str, Any]:
    """Each round's messages hop by hop (ms after the click), and the medians per path."""
    trace = _trace.Trace()
    profile = results.pop("profile", None)
    trace.add_cdp(results.pop("cdp frames"))
    page_frames = results.pop("page frames")
    trace.calibrate(page_frames)
    trace.add_page(page_frames)
    trace.add_server_lines((base / "server-trace.jsonl").read_text().splitlines())
    trace.add_kernel(json.loads((root / "ktrace.json").read_text()))
    print(f"   page clock offset to CLOCK_MONOTONIC: {trace.offset:.3f} ms")
    tasks = _trace.main_thread_tasks(chrome_trace) if chrome_trace else []
    medians = {}
    for path, rounds in results.items():
        spans = []
        for r in rounds:
            t0 = r[3] if len(r) > 4 else r[2]  # the page's performance.now() at the click
            start, end = t0 + trace.offset, t0 + r[0] + trace.offset
            spans.append((start, end, trace.round_rows(start, end)))
        print(f"   -- {path}")
        for start, end, rows in spans[:6]:
            print(f"    {end - start:6.1f} ms")
            print("\n".join(_trace.format_round(start, rows)))
            if tasks:
                print("\n".join(_trace.format_tasks(start, end, tasks)))
        medians[path] = _trace.hop_medians(spans)
        if profile is not None:  # the page's JS from the output's arrival to the DOM
            windows = []
            for _start, end, rows in spans:
                outputs = [r for r in rows if r[1] == "comm_msg" and "page_onmessage" in r[2]]
                if outputs:
                    windows.append(
                        (outputs[0][2]["page_onmessage"] - trace.offset, end - trace.offset)
                    )
            print("\n".join(_trace.profile_windows(profile, windows, trace.offset)))
        print(f"   medians {json.dumps(medians[path])}")
    return medians


def summary(rounds: list[Any]) -> dict[str, Any]:
    times = sorted(r[0] for r in rounds)
    p90 = times[min(len(times) - 1, round(0.9 * (len(times) - 1)))]

    def first(frames: list[Any], direction: str, kinds: tuple[str, ...]) -> float | None:
        return next((f[0] for f in frames if f[1] == direction and f[4] in kinds), None)

    def med(values: list[float | None]) -> float | None:
        present = [v for v in values if v is not None]
        return round(statistics.median(present), 1) if present else None

    frames = [r[1] for r in rounds]
    return {
        "median": round(statistics.median(times), 1),
        "p90": round(p90, 1),
        "min": round(times[0], 1),
        "max": round(times[-1], 1),
        # medians over rounds, ms after the click: comm message sent, first status
        # frame in, first comm_msg frame in (the output), and rounds with no frame in
        "sent": med([first(f, "out", ("comm_msg",)) for f in frames]),
        "status in": med([first(f, "in", ("status",)) for f in frames]),
        "comm_msg in": med([first(f, "in", ("comm_msg",)) for f in frames]),
        "comm handler": med([first(f, "kernel", ("comm handler",)) for f in frames]),
        "callback start": med([first(f, "kernel", ("callback start",)) for f in frames]),
        "answer taken": med([first(f, "kernel", ("answer taken",)) for f in frames]),
        "callback end": med([first(f, "kernel", ("callback end",)) for f in frames]),
        # the output's way back alone: callback returned -> comm_msg frame in the page
        "out after callback": med(
            [
                None
                if (end := first(f, "kernel", ("callback end",))) is None
                or (got := first(f, "in", ("comm_msg",))) is None
                else got - end
                for f in frames
            ]
        ),
        "no frame in": sum(1 for f in frames if not any(x[1] == "in" for x in f)),
        "under 3 ms": sum(1 for t in times if t < 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--extension", choices=["on", "off", "both"], default="both")
    parser.add_argument("--json", help="also write every round's numbers there")
    parser.add_argument("--frames", action="store_true", help="print each round's frames")
    parser.add_argument(
        "--think-ms",
        type=float,
        default=100,
        help="pause between rounds, as a person reacting to what appeared (0: click the moment "
        "the DOM shows it, while the page still renders and the kernel's idle is in flight)",
    )
    parser.add_argument(
        "--chrome-trace",
        help="with --trace: also record Chromium's own trace (main thread tasks) to this file",
    )
    parser.add_argument(
        "--pythonpath",
        help="import pywebio_nb from this directory in the kernel and the server (a checkout "
        "of another commit with its js built: `git archive <commit> | tar -x -C DIR`)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="with --trace: sample the page's JavaScript (100 us) from each output to the DOM",
    )
    parser.add_argument(
        "--trace",
        action="store_true",
        help="stamp every hop (page, DevTools, Jupyter server, kernel threads) on one clock",
    )
    parser.add_argument(
        "--subshells",
        choices=["perCommTarget", "perComm", "disabled"],
        default="perCommTarget",
        help="JupyterLab's commsOverSubshells setting (its default: perCommTarget)",
    )
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    extensions = [True, False] if args.extension == "both" else [args.extension == "on"]
    report: dict[str, Any] = {"load average before": os.getloadavg()}
    print(f"load average {os.getloadavg()} on {os.cpu_count()} CPUs", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-jlab-") as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for extension in extensions:
                base = pathlib.Path(tmp) / ("ext" if extension else "noext")
                server_trace = base / "server-trace.jsonl" if args.trace else None
                with jupyterlab(base, extension, args.subshells, server_trace, args.pythonpath) as (
                    url,
                    token,
                    root,
                ):
                    server = "extension (TCP_NODELAY)" if extension else "no extension"
                    print(f"== JupyterLab, {server}: {nodelay_state(url, token)}", flush=True)
                    name = "latency.ipynb"
                    write_notebook(root, name, 2 * args.rounds + args.warmup)
                    page = browser.new_page()
                    page.add_init_script(FRAME_RECORDER)
                    cdp_frames: list[Any] = []
                    if args.trace:
                        cdp = page.context.new_cdp_session(page)
                        cdp.send("Network.enable")
                        if args.profile:
                            cdp.send("Profiler.enable")
                            cdp.send("Profiler.setSamplingInterval", {"interval": 100})
                        for event, way in zip(_trace.CDP, ("out", "in"), strict=True):
                            cdp.on(event, _trace.recorder(cdp_frames, way))
                    if args.chrome_trace:
                        browser.start_tracing(
                            page=page, path=args.chrome_trace, categories=_trace.CHROME_CATEGORIES
                        )
                    if args.trace and args.profile:
                        cdp.send("Profiler.start")
                    try:
                        results = measure(
                            page,
                            url,
                            token,
                            name,
                            args.rounds,
                            args.warmup,
                            args.trace,
                            args.think_ms,
                        )
                        if args.chrome_trace:
                            browser.stop_tracing()
                        if args.trace and args.profile:
                            results["profile"] = cdp.send("Profiler.stop")["profile"]
                        if extension:
                            print(f"   with the page open: {nodelay_state(url, token)}")
                    finally:
                        page.close()
                    if args.trace:
                        results["cdp frames"] = cdp_frames
                        report[f"{server} | trace medians"] = print_trace(
                            results, base, root, args.chrome_trace
                        )
                    for path, rounds in results.items():
                        key = f"{server} | {path}"
                        report[key] = {"summary": summary(rounds), "rounds": rounds}
                        print(f"{key:50} {json.dumps(summary(rounds))}", flush=True)
                        if args.frames:
                            for t, frames, *_ in rounds:
                                shown = [
                                    f"{f[0]:.1f}{f[1][0]}{f[2]}:{f[4]}" for f in sorted(frames)
                                ]
                                print(f"   {t:6.1f} ms  {' '.join(shown)}")
        finally:
            browser.close()
    report["load average after"] = os.getloadavg()
    print(f"load average {os.getloadavg()}")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
