"""``remote_access=True``: a public URL through a tunnel command the user provides.

PyWebIO opened an ssh tunnel to the localhost.run service. pywebio_nb ships no
tunnel service and never pretends to have one: ``remote_access=True`` raises
:class:`RemoteAccessError` unless a *tunnel command* is configured, with the
``tunnel_cmd`` argument of ``start_server`` or the ``PYWEBIO_NB_TUNNEL_CMD``
environment variable.

The contract of a tunnel command:

- it is one command line, split like a shell would (``shlex``) and run
  directly (no shell); ``{port}`` in it is replaced by the local port, e.g.
  ``ssh -R 80:localhost:{port} nokey@localhost.run``;
- it prints the public URL on its standard output (or error) within
  ``URL_TIMEOUT`` seconds; the first ``http://`` or ``https://`` URL printed
  is taken; then it keeps running while the tunnel is open;
- it is stopped (SIGTERM, then SIGKILL after ``STOP_TIMEOUT`` seconds) by its
  process id when the server stops.
"""

from __future__ import annotations

import logging
import os
import queue
import re
import shlex
import subprocess
import threading

__all__ = ["ENV_VAR", "RemoteAccessError", "Tunnel", "resolve_tunnel_cmd"]

logger = logging.getLogger("pywebio_nb.platform")

#: Environment variable holding the tunnel command when ``tunnel_cmd`` is not given.
ENV_VAR = "PYWEBIO_NB_TUNNEL_CMD"
#: Seconds a tunnel command has to print its public URL.
URL_TIMEOUT = 30.0
#: Seconds a tunnel process has to exit after SIGTERM before it is killed.
STOP_TIMEOUT = 5.0

_URL = re.compile(r"https?://[^\s\"'<>]+")


class RemoteAccessError(RuntimeError):
    """``remote_access=True`` cannot give a public URL (no tunnel, or the tunnel failed)."""


def resolve_tunnel_cmd(tunnel_cmd: str | None) -> str:
    """The tunnel command to use: ``tunnel_cmd``, else ``$PYWEBIO_NB_TUNNEL_CMD``.

    Raises :class:`RemoteAccessError` explaining what to configure when neither is set.
    """
    cmd = tunnel_cmd or os.environ.get(ENV_VAR, "").strip()
    if not cmd:
        raise RemoteAccessError(
            "remote_access=True needs a public tunnel, and pywebio_nb has none built in: "
            "PyWebIO's localhost.run service is not reachable from here and is not used. "
            f"Pass tunnel_cmd='...' to start_server() or set {ENV_VAR} to a command that "
            "forwards a public URL to the local port and prints that URL, with {port} "
            "standing for the port, e.g. 'ssh -R 80:localhost:{port} nokey@localhost.run'."
        )
    return cmd


class Tunnel:
    """A running tunnel command; :attr:`url` is the public URL it printed."""

    def __init__(self, proc: subprocess.Popen[str], url: str) -> None:
        self.proc = proc
        self.url = url

    @property
    def pid(self) -> int:
        return self.proc.pid

    @classmethod
    def start(cls, cmd: str, port: int, timeout: float = URL_TIMEOUT) -> Tunnel:
        """Run ``cmd`` for ``port`` and wait for the URL it prints.

        Raises :class:`RemoteAccessError` (after stopping the process) when the
        command cannot run, exits, or prints no URL within ``timeout`` seconds.
        """
        argv = shlex.split(cmd.replace("{port}", str(port)))
        try:
            proc = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                bufsize=1,
            )
        except OSError as exc:
            raise RemoteAccessError(f"the tunnel command {argv!r} could not start: {exc}") from exc
        lines: queue.Queue[str | None] = queue.Queue()
        url_found = threading.Event()

        def read() -> None:
            # Keeps draining the output for the tunnel's whole life: a full pipe
            # would block the tunnel process.
            # The pipe is closed here, at its end, never under this thread's feet.
            assert proc.stdout is not None
            with proc.stdout:
                for line in proc.stdout:
                    if url_found.is_set():
                        logger.debug("tunnel: %s", line.rstrip())
                    else:
                        lines.put(line)
            lines.put(None)

        threading.Thread(target=read, name="pywebio-nb-tunnel-output", daemon=True).start()
        seen: list[str] = []
        try:
            while True:
                try:
                    line = lines.get(timeout=timeout)
                except queue.Empty:
                    raise RemoteAccessError(
                        f"the tunnel command {argv!r} printed no http(s) URL within {timeout} s; "
                        f"its output: {''.join(seen)!r}"
                    ) from None
                if line is None:
                    raise RemoteAccessError(
                        f"the tunnel command {argv!r} exited (code {proc.wait()}) before "
                        f"printing an http(s) URL; its output: {''.join(seen)!r}"
                    )
                seen.append(line)
                match = _URL.search(line)
                if match:
                    url_found.set()
                    return cls(proc, match.group(0))
        except BaseException:
            _terminate(proc)
            raise

    def stop(self) -> None:
        """Stop the tunnel process (by its PID); nothing if it already exited."""
        _terminate(self.proc)


def _terminate(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
