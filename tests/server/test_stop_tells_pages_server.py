"""A server that stops tells each connected page: ``close_session``, then the socket closes.

Without it the page sees a bare close, takes it for a dropped connection and
keeps dialling a server that is gone. ``handle.stop()`` on every WebSocket
server (Tornado, aiohttp, Starlette), and Ctrl-C on a script's blocking
``start_server``: each page gets ``close_session`` before its socket closes,
``defer_call`` runs once, and a pending ``input()`` ends.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import pathlib
import signal
import threading
import types
from collections.abc import Callable

import pytest
from _adapter_cases import connect
from _script_server import ScriptProcess
from _wsclient import Client, run, text_of

from pywebio_nb.input import input as ask
from pywebio_nb.output import put_text
from pywebio_nb.platform.tornado import ServerHandle
from pywebio_nb.session import defer_call

pytestmark = pytest.mark.server

REPO = pathlib.Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 30.0  # importing tornado and the package on a busy 2-core machine


def _needs(*modules: str) -> pytest.MarkDecorator:
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    return pytest.mark.skipif(bool(missing), reason=f"needs {', '.join(missing)}")


BACKENDS = [
    pytest.param("tornado", id="tornado"),
    pytest.param("aiohttp", marks=_needs("aiohttp"), id="aiohttp"),
    pytest.param("fastapi", marks=_needs("starlette", "uvicorn"), id="starlette"),
]


async def _close_session_then_close(client: Client) -> list[str]:
    """Commands until the socket closes; the last one must be ``close_session``."""
    names: list[str] = []
    while (batch := await client.frame()) is not None:
        names.extend(c["command"] for c in batch)
    assert names and names[-1] == "close_session", names
    return names


@pytest.mark.parametrize("module_name", BACKENDS)
def test_stop_sends_close_session_to_every_page(module_name: str) -> None:
    deferred: list[str] = []
    ended: list[str] = []
    lock = threading.Lock()

    def thread_app() -> None:
        defer_call(lambda: deferred.append("thread"))
        put_text("thread")
        try:
            ask("never answered")
        finally:
            with lock:
                ended.append("thread")

    async def coroutine_app() -> None:
        defer_call(lambda: deferred.append("coroutine"))
        put_text("coroutine")
        try:
            await ask("never answered")
        finally:
            ended.append("coroutine")

    module = importlib.import_module(f"pywebio_nb.platform.{module_name}")
    start: Callable[..., ServerHandle] = module._start_server_in_thread
    server = start({"t": thread_app, "c": coroutine_app})
    try:

        async def body() -> None:
            pages = [await connect(server, f"app={name}&session=NEW") for name in "tc"]
            for page in pages:
                await page.until("input_group")
            await asyncio.to_thread(server.stop)
            for page in pages:
                await _close_session_then_close(page)

        run(body())
    finally:
        server.stop()
    assert sorted(deferred) == ["coroutine", "thread"]  # once each
    assert sorted(ended) == ["coroutine", "thread"]  # the pending input()s ended


SCRIPT = """\
import sys

from pywebio_nb import start_server
from pywebio_nb.input import input
from pywebio_nb.output import put_text
from pywebio_nb.session import defer_call


def app():
    defer_call(lambda: print("DEFERRED", flush=True))
    put_text("hi")
    input("never answered")


start_server(app, port=0, host="127.0.0.1")
print("RETURNED", flush=True)
"""


def test_ctrl_c_on_start_server_sends_close_session(tmp_path: pathlib.Path) -> None:
    script = tmp_path / "app.py"
    script.write_text(SCRIPT)
    with ScriptProcess(script) as server:
        port = server.serving_port()

        async def body() -> None:
            page = await Client.connect(types.SimpleNamespace(port=port))  # type: ignore[arg-type]
            assert text_of(await page.until("output")) == "hi"
            await page.until("input_group")
            server.send_signal(signal.SIGINT)  # Ctrl-C
            await _close_session_then_close(page)

        run(body())
        returncode, out = server.finish()
        assert returncode == 0, out
        assert out.count("DEFERRED") == 1 and "RETURNED" in out, out
