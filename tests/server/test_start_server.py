"""The public ``start_server`` as a user runs it: a script in its own process.

Every other server test goes through the in-process helper; these write a tiny
app script, run it with the same interpreter, wait for the port it was given
(by reading the process's output), drive one ``input()`` over the WebSocket
and stop the process by its PID. The parameters that need no process of their
own (``debug``, ``**tornado_app_settings``) are checked in-process at the end.
"""

from __future__ import annotations

import os
import pathlib
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import types
import urllib.error
import urllib.request
from typing import Any

import pytest
import tornado.autoreload
import tornado.web
from _wsclient import Client, run, text_of

from pywebio_nb.output import put_text
from pywebio_nb.platform import tornado as pywebio_tornado

REPO = pathlib.Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 30.0  # importing tornado and the package on a busy 2-core machine

APP = """\
import gc
import sys

from pywebio_nb import start_server
from pywebio_nb.input import input
from pywebio_nb.output import put_text


def greet():
    \"\"\"Greeter

    Asks for a name.
    \"\"\"
    put_text("gc thresholds %s %s %s" % gc.get_threshold())
    put_text("Hello, " + input("Your name"))


start_server(greet, port=int(sys.argv[1]), host="127.0.0.1")
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Lines:
    """The process's output lines, read by a thread so waits can have a deadline."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.seen: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        assert proc.stdout is not None
        stdout = proc.stdout

        def read() -> None:
            for line in stdout:
                self._queue.put(line)
            self._queue.put(None)  # end of output: the process exited

        threading.Thread(target=read, daemon=True).start()

    def wait_for(self, text: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                line = self._queue.get(timeout=max(0.0, remaining))
            except queue.Empty:
                raise AssertionError(
                    f"no output line with {text!r} within {timeout} s; got {self.seen}"
                ) from None
            if line is None:
                raise AssertionError(f"the server process exited; its output: {self.seen}")
            self.seen.append(line)
            if text in line:
                return line


def test_start_server_script(tmp_path: pathlib.Path) -> None:
    script = tmp_path / "greeter.py"
    script.write_text(APP)
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, str(script), str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        lines = _Lines(proc)
        assert lines.wait_for("Serving on", STARTUP_TIMEOUT).strip() == (
            f"Serving on http://127.0.0.1:{port}/"
        )
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            page = response.read().decode()
        assert "<title>Greeter</title>" in page

        async def body() -> None:
            client = await Client.connect(types.SimpleNamespace(port=port))  # type: ignore[arg-type]
            # Full collections ten times rarer while the script serves (platform._gc).
            assert text_of(await client.until("output")) == "gc thresholds 700 10 100"
            form = await client.until("input_group")
            assert form["spec"]["inputs"][0]["label"] == "Your name"
            await client.submit(form, "Ada")
            assert text_of(await client.until("output")) == "Hello, Ada"
            await client.until("close_session")
            await client.closed()

        run(body())
        assert proc.poll() is None, "the server must keep serving after a session ended"
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


# A BROWSER command for Python's webbrowser: prints the URL it was asked to open
# (to the server's stdout, which it inherits) instead of starting a browser.
FAKE_BROWSER = """\
#!{python}
import sys
print("FAKE-BROWSER-OPENED " + sys.argv[1], flush=True)
"""

APP_PORT_0 = APP.replace(
    'start_server(greet, port=int(sys.argv[1]), host="127.0.0.1")',
    'start_server(greet, port=0, host="127.0.0.1", auto_open_webbrowser=True)\nprint("RETURNED")',
)


def _fake_browser(tmp_path: pathlib.Path) -> pathlib.Path:
    browser = tmp_path / "fake-browser"
    browser.write_text(FAKE_BROWSER.format(python=sys.executable))
    browser.chmod(0o755)
    return browser


def _script_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1", **extra}
    env.pop("PYTEST_CURRENT_TEST", None)  # the child is a plain script, not a test
    return env


def test_port_0_prints_the_url_opens_the_browser_and_sigterm_stops_cleanly(
    tmp_path: pathlib.Path,
) -> None:
    script = tmp_path / "greeter.py"
    script.write_text(APP_PORT_0)
    env = _script_env(BROWSER=str(_fake_browser(tmp_path)))
    proc = subprocess.Popen(
        [sys.executable, str(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        lines = _Lines(proc)
        serving = lines.wait_for("Serving on", STARTUP_TIMEOUT).strip()
        url = serving.removeprefix("Serving on ")
        assert url.startswith("http://127.0.0.1:") and url.endswith("/"), serving
        port = int(url.rsplit(":", 1)[1].rstrip("/"))
        assert port != 0
        opened = lines.wait_for("FAKE-BROWSER-OPENED", STARTUP_TIMEOUT).strip()
        assert opened == f"FAKE-BROWSER-OPENED {url}"

        async def body() -> None:
            client = await Client.connect(types.SimpleNamespace(port=port))  # type: ignore[arg-type]
            await client.submit(await client.until("input_group"), "Bo")
            assert text_of(await client.until("output")) == "Hello, Bo"
            await client.closed()

        run(body())
        os.kill(proc.pid, signal.SIGTERM)
        # SIGTERM stops the server cleanly: start_server returns, the script ends.
        assert proc.wait(timeout=STARTUP_TIMEOUT) == 0
        lines.wait_for("RETURNED", STARTUP_TIMEOUT)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


def _hello() -> None:
    put_text("hello")


@pytest.mark.parametrize("debug", [True, False])
def test_debug_starts_autoreload_on_the_serving_loop(
    serve: Any, monkeypatch: pytest.MonkeyPatch, debug: bool
) -> None:
    started_in: list[str] = []
    # Recorded instead of run: a real autoreload would re-execute pytest.
    monkeypatch.setattr(
        tornado.autoreload, "start", lambda: started_in.append(threading.current_thread().name)
    )
    application, _config = pywebio_tornado._make_application(_hello, debug=debug)
    assert application.settings["autoreload"] is debug
    assert application.settings.get("serve_traceback", False) is debug
    serve(_hello, debug=debug)
    # Once, on the server's own loop, never while building the Application.
    assert started_in == (["pywebio-nb-server"] if debug else [])


class _Teapot(tornado.web.RequestHandler):
    def get(self) -> None:
        self.set_status(418)
        self.finish("teapot")


def test_tornado_app_settings_are_passed_to_the_application(serve: Any) -> None:
    server = serve(_hello, default_handler_class=_Teapot)
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(server.url + "no/such/page", timeout=10)
    with caught.value as error:
        assert (error.code, error.read()) == (418, b"teapot")
