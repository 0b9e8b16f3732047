"""The public ``start_server`` as a user runs it: a script in its own process.

Every other server test goes through the in-process helper; this one writes a
tiny app script, runs it with the same interpreter, waits for the port it was
given (by reading the process's output), drives one ``input()`` over the
WebSocket and stops the process by its PID.
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
import urllib.request

from _wsclient import Client, run, text_of

REPO = pathlib.Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 30.0  # importing tornado and the package on a busy 2-core machine

APP = """\
import sys

from pywebio_nb import start_server
from pywebio_nb.input import input
from pywebio_nb.output import put_text


def greet():
    \"\"\"Greeter

    Asks for a name.
    \"\"\"
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
