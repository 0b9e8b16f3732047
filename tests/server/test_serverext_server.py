"""The Jupyter Server extension on a real ``jupyter server`` (loopback, random token).

One server per module (startup ~2 s) over a root directory of tiny apps and
notebooks; the apps are driven over PyWebIO's protocol with the protocol client,
authenticated by the token in the URL (or the login cookie it gives). Checked:
page, WebSocket, static files and status refused without credentials (403) and
with a wrong token; a ``.py`` app and notebook apps answered (``skip-app`` cells
left out, a fresh namespace per visitor, top-level ``await``); IPython syntax
refused naming the cell; traversal refused; Jupyter's Origin check; TCP_NODELAY
on the kernel WebSocket (read back from the kernel connection's socket by the
extension); the index of the apps (titles, hidden names, no traversal); the
sessions closed when Jupyter shuts down; and
``--ServerApp.jpserver_extensions=pywebio_nb=False`` turning it all off.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
import tornado.httpclient
import tornado.websocket
from _wsclient import TIMEOUT, Client, run, text_of

VENV_BIN = pathlib.Path(sys.prefix) / "bin"
START_TIMEOUT = 60.0
BASE_URL = "/hub/user/ann/"

APP_PY = """
from pywebio_nb.input import input
from pywebio_nb.output import put_text

def main():
    \"\"\"Greeter app\"\"\"
    name = input("Your name")
    put_text("hello " + name)
"""

# A thread the app did not register has no session: the API must say so, not start
# script mode's own server inside the Jupyter process.
THREAD_APP = """
import threading
from pywebio_nb.output import put_text

def main():
    seen = []

    def work():
        try:
            put_text("from an unregistered thread").show()  # show(): raise here
            seen.append("sent")
        except Exception as exc:
            seen.append(type(exc).__name__)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    put_text("thread: " + seen[0])
"""


def code(source: str, tags: Sequence[str] = ()) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "metadata": {"tags": list(tags)} if tags else {},
        "source": source,
        "outputs": [],
        "execution_count": None,
    }


def notebook(*cells: dict[str, Any]) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": list(cells)})


NB_SYNC = notebook(
    {"cell_type": "markdown", "metadata": {}, "source": "# Notebook greeter\n\ntext"},
    code("from pywebio_nb.input import input\nfrom pywebio_nb.output import put_text"),
    code("raise RuntimeError('a skip-app cell ran')", tags=["skip-app"]),
    # A fresh namespace per visitor: each session sees its own first run.
    code("runs = globals().get('runs', 0) + 1\nput_text(f'run {runs}')"),
    code("name = input('Name')\nput_text('hi ' + name)"),
)
NB_ASYNC = notebook(
    code(
        "import asyncio\nfrom pywebio_nb.input import input\nfrom pywebio_nb.output import put_text"
    ),
    code("await asyncio.sleep(0)\nname = await input('Name')"),
    code("put_text('async hi ' + name)"),
)
NB_MAGIC = notebook(
    code("x = 1"),
    code("%matplotlib inline", tags=["skip-app"]),
    code("y = 2\n!ls -l\nprint(y)"),
)


@dataclass
class Jupyter:
    port: int
    token: str
    root: pathlib.Path
    proc: subprocess.Popen[bytes]
    log: pathlib.Path
    base: str  # the server's base_url

    def url(self, path: str, token: bool = True) -> str:
        query = ("&" if "?" in path else "?") + "token=" + self.token if token else ""
        return f"http://127.0.0.1:{self.port}{self.base}{path}{query}"

    def ws_url(self, path: str, token: bool = True) -> str:
        return self.url(f"pywebio/apps/{path}?session=NEW", token).replace("http:", "ws:", 1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1.0) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def jupyter_server(base: pathlib.Path, *extra: str, base_url: str = "/") -> Iterator[Jupyter]:
    """``jupyter server`` with fresh config/data/runtime dirs; stopped by process group."""
    dirs = {k: base / k for k in ("config", "data", "runtime", "root")}
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        JUPYTER_CONFIG_DIR=str(dirs["config"]),
        JUPYTER_DATA_DIR=str(dirs["data"]),
        JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
        JUPYTER_PLATFORM_DIRS="1",
        PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
    )
    env.pop("JUPYTER_PATH", None)
    port, token = _free_port(), secrets.token_hex(16)
    cmd = [
        str(VENV_BIN / "jupyter"),
        "server",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={dirs['root']}",
        f"--ServerApp.base_url={base_url}",
        *extra,
    ]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = base / "jupyter-server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            cmd,
            env=env,
            cwd=base,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    server = Jupyter(port, token, dirs["root"], proc, log, base_url)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _ready(server.url("api/status")):
            assert proc.poll() is None, f"jupyter server exited:\n{log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"not ready:\n{log.read_text()[-3000:]}"
            time.sleep(0.1)  # poll interval of the bounded readiness loop
        yield server
    finally:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)
            try:
                proc.wait(timeout=10)
                break
            except subprocess.TimeoutExpired:
                continue


@pytest.fixture(scope="module")
def jupyter(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Jupyter]:
    base = tmp_path_factory.mktemp("serverext")
    root = base / "root"
    (root / "sub").mkdir(parents=True)
    (root / "app.py").write_text(APP_PY)
    (root / "sub" / "nb app.ipynb").write_text(NB_SYNC)
    (root / "async.ipynb").write_text(NB_ASYNC)
    (root / "magic.ipynb").write_text(NB_MAGIC)
    (root / "nomain.py").write_text("x = 1\n")
    (root / "thread_app.py").write_text(THREAD_APP)
    (root / "_private.py").write_text(APP_PY)
    (root / ".hidden.py").write_text(APP_PY)
    (root / "notes.txt").write_text("not an app")
    (base / "outside.py").write_text(APP_PY)
    (root / "link.py").symlink_to(base / "outside.py")
    (base / "outside_dir").mkdir()
    (base / "outside_dir" / "secret.py").write_text(APP_PY)
    (root / "linkdir").symlink_to(base / "outside_dir")
    (root / "_private_dir").mkdir()
    (root / "_private_dir" / "hid.py").write_text(APP_PY)
    (root / ".ipynb_checkpoints").mkdir()
    # Under a base URL, as behind JupyterHub: every URL of the extension must follow it.
    with jupyter_server(base, base_url=BASE_URL) as server:
        yield server


def raw_get(server: Jupyter, path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    """GET the server's base URL + ``path`` exactly as given (http.client does not
    normalize it)."""
    path = server.base + path.removeprefix("/")
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


async def ws_connect(url: str, headers: dict[str, str] | None = None) -> Client:
    request = tornado.httpclient.HTTPRequest(url, headers=headers or {})
    return Client(await tornado.websocket.websocket_connect(request))


async def ws_status(url: str, headers: dict[str, str] | None = None) -> int:
    """The HTTP status of a refused WebSocket upgrade (101 if it was accepted)."""
    try:
        client = await ws_connect(url, headers)
    except tornado.httpclient.HTTPClientError as exc:
        return exc.code
    await client.aclose()
    return 101


async def answer_input(client: Client, value: str) -> str:
    form = await client.until("input_group")
    await client.submit(form, value, name=form["spec"]["inputs"][0]["name"])
    return str(form["spec"]["inputs"][0]["label"])


async def next_text(client: Client) -> str:
    return str(text_of(await client.until("output", lambda c: text_of(c) is not None)))


def test_everything_refused_without_credentials(jupyter: Jupyter) -> None:
    for path in ("app.py", "sub/nb%20app.ipynb", "missing.py", "_private.py", "", "sub/"):
        for suffix in ("", "?token=wrong"):
            status, body = raw_get(jupyter, f"/pywebio/apps/{path}{suffix}")
            assert status == 403, (path, suffix, status)
        assert (
            "Log in to Jupyter" in body and "next=%2Fhub%2Fuser%2Fann%2Fpywebio%2Fapps%2F" in body
        )
        assert f'href="{BASE_URL}login?next=' in body
    for path in ("/pywebio/static/page.js", "/pywebio/api/status"):
        assert raw_get(jupyter, path)[0] == 403, path
    for path in ("app.py", "sub/nb%20app.ipynb"):
        assert run(ws_status(jupyter.ws_url(path, token=False))) == 403
        assert run(ws_status(jupyter.ws_url(path, token=False) + "&token=wrong")) == 403
    # ... and nothing ran: the app's first command never went anywhere.
    assert "a skip-app cell ran" not in jupyter.log.read_text()


def test_page_static_and_status_with_token(jupyter: Jupyter) -> None:
    status, page = raw_get(jupyter, f"/pywebio/apps/app.py?token={jupyter.token}")
    assert status == 200 and "<title>Greeter app</title>" in page
    assert f'src="{BASE_URL}pywebio/static/page.js?v=' in page
    status, page = raw_get(jupyter, f"/pywebio/apps/sub/nb%20app.ipynb?token={jupyter.token}")
    assert status == 200 and "<title>Notebook greeter</title>" in page
    assert raw_get(jupyter, f"/pywebio/static/page.js?token={jupyter.token}")[0] == 200
    # The chart libraries too (cacheable URLs rather than blobs), behind the same login.
    status, library = raw_get(jupyter, f"/pywebio/static/lib/echarts.js?token={jupyter.token}")
    assert status == 200 and "echarts" in library[:2000]
    assert raw_get(jupyter, "/pywebio/static/lib/echarts.js")[0] == 403
    assert raw_get(jupyter, f"/pywebio/static/lib/nope.js?token={jupyter.token}")[0] == 404
    status, body = raw_get(jupyter, f"/pywebio/api/status?token={jupyter.token}")
    assert status == 200 and json.loads(body)["apps_url"] == f"{BASE_URL}pywebio/apps/"


def test_py_app_over_the_protocol(jupyter: Jupyter) -> None:
    async def body() -> None:
        client = await ws_connect(jupyter.ws_url("app.py"))
        assert await answer_input(client, "Ann") == "Your name"
        assert await next_text(client) == "hello Ann"

    run(body())


def test_notebook_app_runs_cells_per_visitor_skipping_tagged_cells(jupyter: Jupyter) -> None:
    async def body() -> None:
        first = await ws_connect(jupyter.ws_url("sub/nb%20app.ipynb"))
        second = await ws_connect(jupyter.ws_url("sub/nb%20app.ipynb"))
        # Both visitors run the notebook from the top in their own namespace.
        assert await next_text(first) == "run 1"
        assert await next_text(second) == "run 1"
        assert await answer_input(second, "Bob") == "Name"
        assert await answer_input(first, "Ann") == "Name"
        assert await next_text(first) == "hi Ann"
        assert await next_text(second) == "hi Bob"

    run(body())


def test_notebook_with_top_level_await_is_a_coroutine_app(jupyter: Jupyter) -> None:
    async def body() -> None:
        client = await ws_connect(jupyter.ws_url("async.ipynb"))
        await answer_input(client, "Cy")
        assert await next_text(client) == "async hi Cy"

    run(body())


def test_ipython_syntax_refused_naming_the_cell(jupyter: Jupyter) -> None:
    status, body = raw_get(jupyter, f"/pywebio/apps/magic.ipynb?token={jupyter.token}")
    # Cell 2's magic is tagged skip-app; cell 3's shell line is not.
    assert status == 500
    assert "magic.ipynb cell 3" in body and "!ls -l" in body and "skip-app" in body


@pytest.mark.parametrize(
    "path",
    [
        "/pywebio/apps/../api/status",
        "/pywebio/apps/%2e%2e/outside.py",
        "/pywebio/apps/sub/..%2f..%2foutside.py",
        "/pywebio/apps/sub%2f..%2f..%2foutside.py",
        "/pywebio/apps/%252e%252e/outside.py",
        "/pywebio/apps/sub/%5c..%5c..%5coutside.py",
        "/pywebio/apps/link.py",
        "/pywebio/apps/_private.py",
        "/pywebio/apps/.hidden.py",
        "/pywebio/apps/notes.txt",
        "/pywebio/apps/sub",
        "/pywebio/apps/missing.py",
        # directories (index pages) likewise
        "/pywebio/apps/%2e%2e/",
        "/pywebio/apps/sub/..%2f/",
        "/pywebio/apps/sub%2f..%2f../",
        "/pywebio/apps/linkdir/",
        "/pywebio/apps/_private_dir/",
        "/pywebio/apps/.ipynb_checkpoints/",
        "/pywebio/apps/missing/",
        "/pywebio/apps/app.py/",
        "/pywebio/apps//",
        "/pywebio/apps/app.py%00.txt",
        "/pywebio/apps//app.py",
    ],
)
def test_traversal_and_non_apps_are_404(jupyter: Jupyter, path: str) -> None:
    status, body = raw_get(jupyter, f"{path}?token={jupyter.token}")
    assert status == 404, (status, body[:200])
    assert "hello" not in body


def test_script_without_main_is_404(jupyter: Jupyter) -> None:
    status, body = raw_get(jupyter, f"/pywebio/apps/nomain.py?token={jupyter.token}")
    assert status == 404 and "no main()" in body


def test_websocket_origin_checked_as_jupyter_does(jupyter: Jupyter) -> None:
    # A token in the URL is proof enough for Jupyter (it skips the Origin check then,
    # as for its kernels); a login cookie alone is not: the Origin must be the host's.
    with urllib.request.urlopen(jupyter.url("pywebio/apps/app.py"), timeout=TIMEOUT) as response:
        cookie = "; ".join(c.split(";")[0] for c in response.headers.get_all("Set-Cookie"))
    assert cookie
    url = jupyter.ws_url("app.py", token=False)
    own = f"http://127.0.0.1:{jupyter.port}"
    assert run(ws_status(url, {"Cookie": cookie, "Origin": own})) == 101
    assert run(ws_status(url, {"Cookie": cookie, "Origin": "http://evil.example"})) == 403
    assert run(ws_status(url, {"Origin": own})) == 403  # no cookie at all


def test_kernel_websocket_gets_tcp_nodelay(jupyter: Jupyter) -> None:
    def api(method: str, path: str) -> Any:
        request = urllib.request.Request(jupyter.url(path), method=method, data=b"{}")
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read()
        return json.loads(text) if text else None

    before = api("GET", "pywebio/api/status")["kernel_websocket_nodelay"]
    assert before["patched"] is True
    assert before["handler"].endswith("KernelWebsocketHandler")
    kernel = api("POST", "api/kernels")
    try:

        async def connect() -> None:
            url = jupyter.url(f"api/kernels/{kernel['id']}/channels").replace("http:", "ws:", 1)
            conn = await tornado.websocket.websocket_connect(url)
            conn.close()
            # Until the server answered the close: an unclosed socket warns later.
            while await asyncio.wait_for(conn.read_message(), TIMEOUT) is not None:
                pass

        run(connect())
    finally:
        api("DELETE", f"api/kernels/{kernel['id']}")
    after = api("GET", "pywebio/api/status")["kernel_websocket_nodelay"]
    assert after["connections"] == before["connections"] + 1
    # Read back from the kernel connection's socket by the server, not a flag.
    assert after["connections_with_nodelay"] == before["connections_with_nodelay"] + 1


def test_disabled_by_the_documented_flag(tmp_path: pathlib.Path) -> None:
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / "app.py").write_text(APP_PY)
    with jupyter_server(tmp_path, "--ServerApp.jpserver_extensions=pywebio_nb=False") as off:
        assert raw_get(off, f"/pywebio/apps/app.py?token={off.token}")[0] == 404
        assert raw_get(off, f"/pywebio/api/status?token={off.token}")[0] == 404
        assert raw_get(off, f"/api/status?token={off.token}")[0] == 200


def test_edited_files_are_served_anew(jupyter: Jupyter) -> None:
    script = jupyter.root / "edited.py"
    nb = jupyter.root / "edited.ipynb"

    def write(version: int) -> None:
        script.write_text(
            f"from pywebio_nb.output import put_text\ndef main():\n    put_text('py v{version}')\n"
        )
        nb.write_text(
            notebook(code(f"from pywebio_nb.output import put_text\nput_text('nb v{version}')"))
        )
        for path in (script, nb):  # a later mtime even on a coarse clock
            os.utime(path, ns=(time.time_ns(), time.time_ns() + version * 10**9))

    async def texts() -> list[str]:
        found = []
        for path in ("edited.py", "edited.ipynb"):
            client = await ws_connect(jupyter.ws_url(path))
            found.append(await next_text(client))
            await client.aclose()
        return found

    write(1)
    assert run(texts()) == ["py v1", "nb v1"]
    write(2)  # saved from Jupyter's editor: the next visitor gets the new version
    assert run(texts()) == ["py v2", "nb v2"]


def test_unregistered_thread_gets_no_session(jupyter: Jupyter) -> None:
    async def body() -> str:
        client = await ws_connect(jupyter.ws_url("thread_app.py"))
        return await next_text(client)

    assert run(body()) == "thread: SessionNotFoundException"


def test_index_lists_apps_and_notebooks_with_titles(jupyter: Jupyter) -> None:
    status, page = raw_get(jupyter, f"/pywebio/apps/?token={jupyter.token}")
    assert status == 200, page[:300]
    # .py apps with a main() (titled by its docstring), notebooks, sub-directories.
    assert '<a href="app.py">Greeter app</a> <code>app.py</code>' in page
    assert '<a href="async.ipynb">async</a>' in page  # no heading: its name
    assert '<a href="thread_app.py">' in page and '<a href="magic.ipynb">' in page
    assert '<a href="sub/">sub/</a>' in page
    # Hidden: names starting with _ or ., files without main(), other files, links out.
    for hidden in ("_private", ".hidden", "nomain", "notes.txt", "link.py", "linkdir", "ipynb_c"):
        assert hidden not in page, hidden
    status, page = raw_get(jupyter, f"/pywebio/apps/sub/?token={jupyter.token}")
    assert status == 200
    assert '<a href="nb%20app.ipynb">Notebook greeter</a> <code>nb app.ipynb</code>' in page
    assert '<a href="../">..</a>' in page
    # The links lead to the apps (relative to the index's URL).
    page_status, app_page = raw_get(
        jupyter, f"/pywebio/apps/sub/nb%20app.ipynb?token={jupyter.token}"
    )
    assert page_status == 200 and "<title>Notebook greeter</title>" in app_page


SHUTDOWN_APP = """
import pathlib
from pywebio_nb.input import input
from pywebio_nb.session import defer_call

LOG = pathlib.Path(__file__).with_name("deferred.log")

def main():
    defer_call(lambda: LOG.open("a").write("{name}\\n"))
    input("wait")
"""


def test_shutdown_closes_the_app_sessions(tmp_path: pathlib.Path) -> None:
    """Jupyter stops (SIGTERM): each session's defer_call runs once, and its page gets
    close_session (it shows the session ended rather than trying to reconnect)."""
    root = tmp_path / "root"
    root.mkdir()
    (root / "thread.py").write_text(SHUTDOWN_APP.replace("{name}", "thread"))
    (root / "coro.py").write_text(
        SHUTDOWN_APP.replace("def main", "async def main")
        .replace('input("wait")', 'await input("wait")')
        .replace("{name}", "coroutine")
    )
    with jupyter_server(tmp_path) as server:

        async def body() -> None:
            clients = [await ws_connect(server.ws_url(p)) for p in ("thread.py", "coro.py")]
            for client in clients:
                await client.until("input_group")
            assert not (root / "deferred.log").exists()
            server.proc.send_signal(signal.SIGTERM)
            for client in clients:  # the page is told, then its socket closes
                await client.until("close_session")
                await client.closed()

        run(body())
        assert server.proc.wait(TIMEOUT * 3) == 0
    assert sorted((root / "deferred.log").read_text().split()) == ["coroutine", "thread"]
