"""Run an asyncio web server (aiohttp, uvicorn) the way ``start_server`` runs Tornado.

``_server`` runs a ``tornado.web.Application``; the aiohttp and FastAPI/Starlette
adapters run their own servers on asyncio, given as a :data:`StartFn`: a
coroutine that starts serving on already bound sockets and returns the
coroutine function that stops it. With it, this module gives them what
Tornado's ``start_server`` has: the same :class:`~._server.ServerHandle` for a
server in a background thread (:func:`start_async_in_thread`: notebooks,
tests, benchmarks) and the same foreground behaviour (:func:`serve_async`:
``Serving on URL``, ``auto_open_webbrowser``, ``remote_access`` through a
tunnel command, Ctrl-C/SIGTERM, and inside a notebook kernel a background
server and a link instead of blocking).

Sockets are bound here (``port=0`` picks a free port, known before serving),
so every framework reports the same URL.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Awaitable, Callable

import tornado.netutil

from ._server import (
    ServerHandle,
    _stop_kernel_server,
    claim_server_mode,
    kernel_shell,
    run_started,
)
from ._tunnel import resolve_tunnel_cmd

__all__ = ["ShutdownFn", "StartFn", "serve_async", "start_async_in_thread"]

#: ``await start(sockets)`` serves on ``sockets`` and returns ``stop``; ``await stop()``
#: stops serving and closes the connections left.
StartFn = Callable[[list[socket.socket]], Awaitable[Callable[[], Awaitable[None]]]]
#: Runs on the server's loop when it stops, before the server closes; may
#: return an awaitable that the stop awaits first.
ShutdownFn = Callable[[], Awaitable[None] | None]


async def _run(
    handle: ServerHandle, start: StartFn, port: int, on_shutdown: ShutdownFn | None
) -> None:
    """Bind, start, report readiness through ``handle``, serve until ``handle.stop()``."""
    try:
        sockets = tornado.netutil.bind_sockets(port, address=handle.host or None)
        handle.port = int(sockets[0].getsockname()[1])
        handle._loop = asyncio.get_running_loop()
        handle._stop = asyncio.Event()
        stop = await start(sockets)
    except BaseException as exc:
        handle._error = exc
        handle._ready.set()
        return
    handle._ready.set()
    try:
        await handle._stop.wait()
    finally:
        if on_shutdown is not None:
            # Pending input() calls raise SessionClosedException; the pages are
            # told (close_session) before the server closes their sockets.
            closing = on_shutdown()
            if closing is not None:
                await closing
        await stop()


def start_async_in_thread(
    start: StartFn,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    on_shutdown: ShutdownFn | None = None,
) -> ServerHandle:
    """Serve from a daemon thread with its own event loop; return once listening.

    Raises the binding or start-up error. ``on_shutdown`` runs on that loop
    when ``stop()`` is called, before the server stops.
    """
    handle = ServerHandle()
    handle.host = host
    handle._thread = threading.Thread(
        target=handle._serve,
        args=(_run(handle, start, port, on_shutdown),),
        name="pywebio-nb-server",
        daemon=True,
    )
    handle._thread.start()
    handle._ready.wait()
    if handle._error is not None:
        raise handle._error
    return handle


def serve_async(
    start: StartFn,
    *,
    port: int = 0,
    host: str = "",
    on_shutdown: ShutdownFn | None = None,
    auto_open_webbrowser: bool = False,
    remote_access: bool = False,
    tunnel_cmd: str | None = None,
) -> ServerHandle | None:
    """Serve as Tornado's ``start_server`` does (see ``_server.serve``).

    Outside a kernel: prints the URL and blocks until Ctrl-C or SIGTERM, then
    returns None. Inside an IPython kernel: returns the running handle at once.
    """
    claim_server_mode()
    command = resolve_tunnel_cmd(tunnel_cmd) if remote_access else None
    shell = kernel_shell()
    if shell is not None:
        _stop_kernel_server(shell, port)
    handle = start_async_in_thread(start, host=host, port=port, on_shutdown=on_shutdown)
    return run_started(
        handle, shell=shell, tunnel_command=command, auto_open_webbrowser=auto_open_webbrowser
    )
