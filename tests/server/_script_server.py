"""An app script run as a user runs it: its own process, its output read as it comes.

The script tests (``start_server`` in a plain script, Ctrl-C and SIGTERM, the
tunnel, the WSGI adapters' own server) all start a script with the test's
interpreter, wait for its ``Serving on URL`` line, drive the server, signal
the process and read what it printed up to its exit. :class:`ScriptProcess`
does that once: a thread reads the output so every wait has a deadline, and
leaving the ``with`` block kills whatever is still running, by its PID.
"""

from __future__ import annotations

import os
import pathlib
import queue
import signal
import subprocess
import sys
import threading
import time

REPO = pathlib.Path(__file__).resolve().parents[2]
#: Importing Tornado (or Django) and the package on a busy 2-core machine.
STARTUP_TIMEOUT = 30.0


# A BROWSER command for Python's webbrowser: prints the URL it was asked to open
# (to the server's stdout, which it inherits) instead of starting a browser.
_FAKE_BROWSER = """\
#!{python}
import sys
print("FAKE-BROWSER-OPENED " + sys.argv[1], flush=True)
"""


def fake_browser(tmp_path: pathlib.Path) -> pathlib.Path:
    """A ``BROWSER`` command that prints ``FAKE-BROWSER-OPENED URL`` instead of opening it."""
    browser = tmp_path / "fake-browser"
    browser.write_text(_FAKE_BROWSER.format(python=sys.executable))
    browser.chmod(0o755)
    return browser


def script_env(**extra: str) -> dict[str, str]:
    """The environment of a script that imports this checkout's package."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1", **extra}
    env.pop("PYTEST_CURRENT_TEST", None)  # the child is a plain script, not a test
    return env


class ScriptProcess:
    """``python SCRIPT ARGS`` in ``cwd``, stdout and stderr read line by line."""

    def __init__(self, script: pathlib.Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(script), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env if env is not None else script_env(),
            cwd=script.parent,
        )
        #: Every line read so far, in order.
        self.seen: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._eof = False
        stdout = self.proc.stdout
        assert stdout is not None

        def read() -> None:
            for line in stdout:
                self._queue.put(line)
            self._queue.put(None)  # end of output: the process exited

        self._reader = threading.Thread(target=read, daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def wait_for(self, text: str, timeout: float = STARTUP_TIMEOUT) -> str:
        """The next output line holding ``text``; AssertionError after ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while True:
            line = self._next_line(deadline)
            if line is None:
                raise AssertionError(
                    f"the process exited without {text!r}; its output: {self.seen}"
                )
            if text in line:
                return line

    def serving_url(self, timeout: float = STARTUP_TIMEOUT) -> str:
        """The URL of the ``Serving on URL`` line the server prints once it listens."""
        return self.wait_for("Serving on", timeout).strip().removeprefix("Serving on ")

    def serving_port(self, timeout: float = STARTUP_TIMEOUT) -> int:
        return int(self.serving_url(timeout).rstrip("/").rsplit(":", 1)[1])

    def send_signal(self, signum: int) -> None:
        os.kill(self.proc.pid, signum)

    def finish(self, timeout: float = STARTUP_TIMEOUT) -> tuple[int, str]:
        """Wait for the exit; its return code and everything it printed."""
        returncode = self.proc.wait(timeout=timeout)
        deadline = time.monotonic() + timeout
        while self._next_line(deadline) is not None:
            pass
        return returncode, "".join(self.seen)

    def _next_line(self, deadline: float) -> str | None:
        if self._eof:
            return None
        try:
            line = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise AssertionError(f"no output within the deadline; got {self.seen}") from None
        if line is None:
            self._eof = True
            return None
        self.seen.append(line)
        return line

    def stop(self) -> None:
        """Kill the process if it still runs (by its PID) and close its output."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self._reader.join(timeout=10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()

    def __enter__(self) -> ScriptProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
