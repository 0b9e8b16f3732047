"""Real JupyterLab / Notebook 7 servers and page helpers for the browser tests.

Follows ``notes/browser-testing.md``: each server gets fresh Jupyter config, data,
runtime, settings and workspace directories (the venv's ``share/jupyter`` prefix paths
stay searched, so the anywidget and pywebio_nb lab extensions are still found), a free
loopback port, a random token, and is stopped by process group.

Use from a test module with ``from ._jupyter import *`` (fixtures included) or import the
names you need.
"""

from __future__ import annotations

import contextlib
import json
import os
import pathlib
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

VENV_BIN = pathlib.Path(sys.prefix) / "bin"
SERVER_START_TIMEOUT = 60.0
KERNEL_READY_TIMEOUT_MS = 30_000
EXECUTION_TIMEOUT_MS = 20_000

# Notebook 7.6.5 throws these on every load, even on a bare notebook (see the notes).
NB7_KNOWN_PAGE_ERRORS = (
    "reading 'schema'",
    "Command 'filebrowser:open-path' not registered",
)

SERVER_CONFIG = """\
c.LabApp.expose_app_in_browser = True
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
c.JupyterNotebookApp.expose_app_in_browser = True
"""

USER_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


@dataclass
class JupyterServer:
    app: str  # "lab" or "notebook"
    base_url: str
    token: str
    root: pathlib.Path
    proc: subprocess.Popen[bytes]
    log_path: pathlib.Path
    startup_seconds: float = 0.0
    _names: set[str] = field(default_factory=set)

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError as exc:
            return f"<no server log: {exc}>"

    def notebook_url(self, name: str) -> str:
        """URL opening ``name`` (relative to the root dir) in this server's frontend."""
        if self.app == "lab":
            workspace = f"t{uuid.uuid4().hex[:12]}"
            return (
                f"{self.base_url}/lab/workspaces/{workspace}/tree/{name}?reset&token={self.token}"
            )
        return f"{self.base_url}/notebooks/{name}?token={self.token}"

    def write_notebook(self, stem: str, cells: Sequence[str]) -> str:
        """Write a notebook of code cells into the root dir; return its (unique) file name."""
        import nbformat

        name = f"{stem}-{self.app}.ipynb"
        assert name not in self._names, f"notebook {name} written twice on one server"
        self._names.add(name)
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
        }
        nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
        nbformat.write(nb, str(self.root / name))
        return name


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _status_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1.0) as resp:
            return bool(resp.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def jupyter_server(app: str, base: pathlib.Path) -> Iterator[JupyterServer]:
    """Start ``jupyter lab`` or ``jupyter notebook`` in fresh dirs under ``base``."""
    assert app in ("lab", "notebook"), app
    dirs = {k: base / k for k in ("config", "data", "runtime", "settings", "workspaces", "root")}
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)
    # `jupyter lab` reads jupyter_server_config.py; `jupyter notebook` (an extension app
    # launched on its own) reads jupyter_notebook_config.py for its own traits.
    for config_name in ("jupyter_server_config.py", "jupyter_notebook_config.py"):
        (dirs["config"] / config_name).write_text(SERVER_CONFIG)
    for rel, value in USER_SETTINGS.items():
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
        PYTHONUNBUFFERED="1",
    )
    env.pop("JUPYTER_PATH", None)
    port = _free_port()
    token = secrets.token_hex(16)
    cmd = [
        str(VENV_BIN / "jupyter"),
        app,
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={dirs['root']}",
    ]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log_path = base / f"jupyter-{app}.log"
    t0 = time.monotonic()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            cmd,
            env=env,
            cwd=dirs["root"],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    server = JupyterServer(app, base_url, token, dirs["root"], proc, log_path)
    try:
        deadline = t0 + SERVER_START_TIMEOUT
        status_url = f"{base_url}/api/status?token={token}"
        while not _status_ok(status_url):
            if proc.poll() is not None:
                raise RuntimeError(
                    f"jupyter {app} exited with {proc.returncode}:\n{server.log_tail()}"
                )
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"jupyter {app} not ready after {SERVER_START_TIMEOUT}s:\n{server.log_tail()}"
                )
            time.sleep(0.1)  # poll interval of the bounded readiness loop
        server.startup_seconds = time.monotonic() - t0
        yield server
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    # kernels run in the server's process group; make sure none outlives it
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    with jupyter_server("lab", tmp_path_factory.mktemp("jlab")) as server:
        yield server


@pytest.fixture(scope="module")
def nb7_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    with jupyter_server("notebook", tmp_path_factory.mktemp("nb7")) as server:
        yield server


@pytest.fixture
def console_log(page: Any) -> Iterator[list[str]]:
    """Browser console messages and page errors of the test's page; printed at teardown
    (pytest shows them for a failing test)."""
    messages: list[str] = []
    page.on("console", lambda msg: messages.append(f"[{msg.type}] {msg.text}"))
    page.console_log = messages
    yield messages
    print("--- browser console ---", *messages, sep="\n")
    print("--- page errors ---", *page.page_errors, sep="\n")


# ---------------------------------------------------------------------------- page helpers

_KERNEL_READY_JS = """
(name) => {
  const app = window.jupyterapp;
  if (!app || !app.shell) return false;
  const w = app.shell.currentWidget;
  if (!w || !w.context || !w.sessionContext || !w.content) return false;
  if (!w.context.path.endsWith(name)) return false;
  if (!w.context.isReady || !w.sessionContext.isReady) return false;
  const session = w.sessionContext.session;
  const kernel = session && session.kernel;
  return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
}
"""


def open_notebook(page: Any, url: str, timeout_ms: int = KERNEL_READY_TIMEOUT_MS) -> None:
    """Open a notebook URL and wait until its kernel is connected and idle."""
    name = url.split("?", 1)[0].rsplit("/", 1)[-1]
    page.goto(url)
    page.wait_for_function(_KERNEL_READY_JS, arg=name, timeout=timeout_ms)
    # every cell of the file is in the DOM (windowingMode "none")
    page.wait_for_function(
        """() => {
          const w = window.jupyterapp.shell.currentWidget;
          const n = w.content.widgets.length;
          return document.querySelectorAll(
            '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell').length === n && n > 0;
        }""",
        timeout=timeout_ms,
    )


def execute_command(page: Any, command: str, args: dict[str, Any] | None = None) -> None:
    """Start an app command without awaiting it (run commands resolve only when the cells
    finish, which a blocking ``input()`` never does). A rejection is kept in
    ``window.__pwnbCommandErrors``, checked by :func:`assert_no_command_errors`."""
    page.evaluate(
        """([command, args]) => {
          window.__pwnbCommandErrors = window.__pwnbCommandErrors || [];
          window.jupyterapp.commands.execute(command, args || {}).catch(
            (e) => window.__pwnbCommandErrors.push(command + ': ' + String(e)));
        }""",
        [command, args],
    )


def assert_no_command_errors(page: Any) -> None:
    errors = page.evaluate("() => window.__pwnbCommandErrors || []")
    assert not errors, errors


def run_all(page: Any) -> None:
    execute_command(page, "notebook:run-all-cells")


def run_cell(page: Any, index: int) -> None:
    """Make cell ``index`` the (only) selected cell and run it."""
    page.evaluate(
        """(i) => {
          const nb = window.jupyterapp.shell.currentWidget.content;
          nb.activeCellIndex = i;
          nb.deselectAll();
        }""",
        index,
    )
    execute_command(page, "notebook:run-cell")


CELLS = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell"


def cell(page: Any, index: int) -> Any:
    return page.locator(CELLS).nth(index)


def cell_output(page: Any, index: int) -> Any:
    return cell(page, index).locator(".jp-OutputArea-output")


def cell_output_text(page: Any, index: int) -> str:
    """Text of a cell's outputs (inner text pierces nothing, so read the shadow roots too)."""
    return str(
        cell(page, index).evaluate(
            """(cell) => {
          const texts = [];
          const walk = (node) => {
            if (node.nodeType === Node.TEXT_NODE) { texts.push(node.textContent); return; }
            if (node.nodeType !== Node.ELEMENT_NODE && node.nodeType !== 11) return;
            if (node.tagName === 'STYLE' || node.tagName === 'SCRIPT') return;
            if (node.shadowRoot) walk(node.shadowRoot);
            for (const c of node.childNodes) walk(c);
          };
          for (const out of cell.querySelectorAll('.jp-OutputArea-output')) walk(out);
          return texts.join(' ').replace(/\\s+/g, ' ').trim();
        }"""
        )
    )


def execution_counts(page: Any) -> list[int | None]:
    return list(
        page.evaluate(
            """() => window.jupyterapp.shell.currentWidget.content.widgets.map(
             (c) => c.model.type === 'code' ? c.model.executionCount : null)"""
        )
    )


def wait_for_execution_count(
    page: Any, index: int, n: int | None = None, timeout_ms: int = EXECUTION_TIMEOUT_MS
) -> None:
    """Wait until cell ``index`` has an execution count (``n`` if given) and is not
    running any more (the count is only set when the execution finished)."""
    page.wait_for_function(
        """([i, n]) => {
          const c = window.jupyterapp.shell.currentWidget.content.widgets[i];
          const count = c.model.executionCount;
          return n === null ? count !== null : count === n;
        }""",
        arg=[index, n],
        timeout=timeout_ms,
    )


def wait_for_all_executed(page: Any, timeout_ms: int = EXECUTION_TIMEOUT_MS) -> None:
    page.wait_for_function(
        """() => {
          const nb = window.jupyterapp.shell.currentWidget.content;
          return nb.widgets.every(
            (c) => c.model.type !== 'code' || c.model.executionCount !== null);
        }""",
        timeout=timeout_ms,
    )


def wait_for_output_text(
    page: Any, index: int, text: str, timeout_ms: int = EXECUTION_TIMEOUT_MS
) -> None:
    """Wait until cell ``index``'s output text (shadow roots included) contains ``text``."""
    try:
        cell_output(page, index).filter(has_text=text).first.wait_for(timeout=timeout_ms)
    except Exception as exc:
        n = page.locator(CELLS).count()
        shown = "\n".join(f"  cell {i}: {cell_output_text(page, i)!r}" for i in range(n))
        raise AssertionError(
            f"cell {index} output never contained {text!r}; the outputs show:\n{shown}"
        ) from exc


def check_page_errors(page: Any, allowed: Sequence[str] = ()) -> None:
    unexpected = [e for e in page.page_errors if not any(a in e for a in allowed)]
    assert not unexpected, f"page errors: {unexpected}"


#: A form waiting for its answer (rendered, not yet submitted).
PENDING_FORM = ".pywebio-form[data-task-id]"


def open_and_run_all(page: Any, server: JupyterServer, name: str, cells: list[str]) -> None:
    """Write ``cells`` as notebook ``name`` on ``server``, open it and start Run All."""
    path = server.write_notebook(name, cells)
    open_notebook(page, server.notebook_url(path))
    run_all(page)


def expect_output_and_no_errors(
    page: Any, index: int, text: str, allowed: Sequence[str] = ()
) -> None:
    """Wait until every code cell ran and cell ``index`` shows ``text``; no app command
    failed and no page error other than ``allowed`` happened."""
    wait_for_all_executed(page)
    wait_for_output_text(page, index, text)
    assert_no_command_errors(page)
    check_page_errors(page, allowed=allowed)


def failure_context(page: Any, server: JupyterServer) -> str:
    """Console messages, page errors and server log tail for assertion messages."""
    console = getattr(page, "console_log", [])
    return (
        "\n--- console ---\n"
        + "\n".join(console[-60:])
        + "\n--- page errors ---\n"
        + "\n".join(page.page_errors)
        + "\n--- server log ---\n"
        + server.log_tail(3000)
    )


INPUT_CELLS = [
    "from pywebio_nb.input import input\nfrom pywebio_nb.output import put_text, put_buttons",
    'x = input("name")',
    'put_text("next cell sees", x)',
]


def check_input_roundtrip(
    page: Any, server: JupyterServer, allowed_errors: Sequence[str] = ()
) -> None:
    """``x = input("name")`` blocks its cell; typing + Submit lets the next cell see x."""
    from playwright.sync_api import expect

    open_and_run_all(page, server, "input-roundtrip", INPUT_CELLS)
    form = cell(page, 1).locator(PENDING_FORM)
    field = form.locator("input[name=data]")
    field.wait_for(timeout=20_000)
    # the cell blocks: neither it nor the next one has finished
    assert execution_counts(page)[1:] == [None, None]
    field.fill("Ada")
    form.locator("button[type=submit]", has_text="Submit").click()
    wait_for_all_executed(page)
    wait_for_output_text(page, 2, "next cell sees Ada")
    expect(cell(page, 1).locator(".pywebio-form")).to_have_count(0)
    assert_no_command_errors(page)
    check_page_errors(page, allowed=allowed_errors)
