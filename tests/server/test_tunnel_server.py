"""``remote_access=True``: a tunnel command the user configures, or a clear error.

The tunnel here is a fake local command (a tiny Python script) that prints a
URL naming the port it was given and then sleeps until it is killed: what a
real tunnel (``ssh -R ... localhost.run``) does, without the network.
"""

from __future__ import annotations

import os
import pathlib
import signal
import sys
import time
import types

import pytest
from _script_server import ScriptProcess
from _wsclient import Client, run, text_of

from pywebio_nb.output import put_text
from pywebio_nb.platform._tunnel import ENV_VAR, RemoteAccessError, Tunnel, resolve_tunnel_cmd
from pywebio_nb.platform.tornado import start_server

FAKE_TUNNEL = """\
import os, sys, threading
print("fake tunnel pid", os.getpid(), flush=True)
print("tunnel ready: https://public.example.test/" + sys.argv[1], flush=True)
threading.Event().wait()  # until killed
"""

SILENT_TUNNEL = """\
import os, threading
print("fake tunnel pid", os.getpid(), flush=True)
threading.Event().wait()
"""

APP = """\
import sys

from pywebio_nb import start_server
from pywebio_nb.output import put_text


def hello():
    put_text("hello over the tunnel")


start_server(hello, port=0, host="127.0.0.1", remote_access=True, tunnel_cmd=sys.argv[1])
print("RETURNED", flush=True)
"""


def _write(tmp_path: pathlib.Path, name: str, text: str) -> pathlib.Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_remote_access_without_a_tunnel_command_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)

    def app() -> None:
        put_text("never served")

    with pytest.raises(RemoteAccessError) as caught:
        start_server(app, port=0, host="127.0.0.1", remote_access=True)
    message = str(caught.value)
    assert "no" in message and ENV_VAR in message and "tunnel_cmd" in message


def test_the_environment_variable_is_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "from-env {port}")
    assert resolve_tunnel_cmd(None) == "from-env {port}"
    assert resolve_tunnel_cmd("from-arg {port}") == "from-arg {port}"


def test_start_server_prints_the_tunnel_url_and_stops_the_tunnel(tmp_path: pathlib.Path) -> None:
    tunnel = _write(tmp_path, "fake_tunnel.py", FAKE_TUNNEL)
    script = _write(tmp_path, "app.py", APP)
    tunnel_pid = 0
    with ScriptProcess(script, f"{sys.executable} {tunnel} {{port}}") as server:
        try:
            port = server.serving_port()
            public = server.wait_for("Public URL:").strip()
            assert public == f"Public URL: https://public.example.test/{port}"
            # The tunnel's own lines went to the server, which logged them; its pid
            # is found through /proc: the server's only child running fake_tunnel.py.
            tunnel_pid = _child_running(server.pid, "fake_tunnel.py")

            async def body() -> None:
                client = await Client.connect(types.SimpleNamespace(port=port))  # type: ignore[arg-type]
                assert text_of(await client.until("output")) == "hello over the tunnel"
                await client.closed()

            run(body())
            server.send_signal(signal.SIGTERM)
            returncode, out = server.finish()
            assert returncode == 0, out
            assert "RETURNED" in out
            assert _gone(tunnel_pid), "stopping the server must stop its tunnel process"
        finally:
            if tunnel_pid and not _gone(tunnel_pid):
                os.kill(tunnel_pid, signal.SIGKILL)


def _child_running(parent: int, needle: str) -> int:
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == parent and needle in cmdline:
            return int(entry.name)
    raise AssertionError(f"process {parent} has no child running {needle}")


def test_a_tunnel_that_exits_without_a_url_is_an_error(tmp_path: pathlib.Path) -> None:
    with pytest.raises(RemoteAccessError, match=r"exited .* before printing") as caught:
        Tunnel.start(f"{sys.executable} -c \"print('no url here')\"", 8080)
    assert "no url here" in str(caught.value)


def test_a_tunnel_that_prints_no_url_in_time_is_stopped(tmp_path: pathlib.Path) -> None:
    silent = _write(tmp_path, "silent.py", SILENT_TUNNEL)
    started = time.monotonic()
    with pytest.raises(RemoteAccessError, match="printed no http") as caught:
        Tunnel.start(f"{sys.executable} {silent}", 8080, timeout=1.0)
    assert time.monotonic() - started < 10
    pid = int(str(caught.value).split("fake tunnel pid ", 1)[1].split("\\n", 1)[0].strip("'"))
    assert _gone(pid), "a tunnel that failed to give a URL must not be left running"


def test_a_missing_tunnel_program_is_an_error() -> None:
    with pytest.raises(RemoteAccessError, match="could not start"):
        Tunnel.start("/nonexistent/tunnel-program {port}", 8080)
