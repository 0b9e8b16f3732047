"""Run a Tornado ``Application`` as a server: in the foreground or in a thread.

This module knows nothing about PyWebIO handlers: it takes a route list (or an
already built ``tornado.web.Application``) so every way of serving apps —
:func:`~pywebio_nb.platform.tornado.start_server` with its WebSocket handler,
``path_deploy``, an HTTP polling handler — shares one way to build the
application (:func:`make_application`), to bind it (:func:`listen`), to run it
in a background thread (:func:`start_in_thread`, returning a
:class:`ServerHandle`) and to run it until stopped (:func:`serve`).

``on_shutdown`` is the one hook a handler needs: it runs on the server's event
loop when the server stops, before the open connections are closed, so the
handler can close its live sessions (pending ``input()`` calls then raise
``SessionClosedException`` instead of hanging).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import tornado.autoreload
import tornado.httpserver
import tornado.netutil
import tornado.web

from ._apps import parse_size

__all__ = ["ServerHandle", "listen", "make_application", "serve", "start_in_thread"]

#: Called on the server's event loop when the server stops.
ShutdownHook = Callable[[], None]


def make_application(
    routes: list[Any],
    *,
    debug: bool = False,
    static_dir: str | None = None,
    max_payload_size: int | str = "200M",
    **tornado_app_settings: Any,
) -> tornado.web.Application:
    """A ``tornado.web.Application`` serving ``routes`` with start_server's settings.

    ``static_dir`` adds a ``/static/`` route serving that directory; ``debug``
    is Tornado's debug mode (autoreload, tracebacks in error pages);
    ``max_payload_size`` bounds a WebSocket message; ``tornado_app_settings``
    are passed on and override the defaults (``compress_response=True``).
    """
    routes = list(routes)
    if static_dir is not None:
        routes.append((r"/static/(.*)", tornado.web.StaticFileHandler, {"path": static_dir}))
    settings: dict[str, Any] = {
        "compress_response": True,
        "debug": debug,
        "websocket_max_message_size": parse_size(max_payload_size),
    }
    settings.update(tornado_app_settings)
    return tornado.web.Application(routes, **settings)


def listen(
    application: tornado.web.Application,
    port: int,
    host: str | None,
    max_payload_size: int | str = "200M",
) -> tuple[tornado.httpserver.HTTPServer, int]:
    """Bind ``application`` to ``host:port`` (0: a free port); returns the server and port.

    Call it on the event loop that will run the server. ``max_payload_size``
    also bounds an HTTP request body.
    """
    size = parse_size(max_payload_size)
    server = tornado.httpserver.HTTPServer(application, max_body_size=size, max_buffer_size=size)
    sockets = tornado.netutil.bind_sockets(port, address=host or None)
    server.add_sockets(sockets)
    return server, int(sockets[0].getsockname()[1])


class ServerHandle:
    """A server running in a background thread (tests, benchmarks, notebooks).

    ``port`` and ``url`` say where it listens; ``stop()`` closes every session
    (pending ``input()`` calls raise ``SessionClosedException``) and the server.
    """

    def __init__(self) -> None:
        self.port = 0
        self.host = ""
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host or 'localhost'}:{self.port}/"

    def stop(self, timeout: float = 10) -> None:
        """Stop the server and wait for its thread (at most ``timeout`` seconds).

        Calling it again, or after the server thread ended, does nothing.
        """
        if self._thread is None or not self._thread.is_alive():
            return
        if self._loop is not None and self._stop is not None:
            try:
                self._loop.call_soon_threadsafe(self._stop.set)
            except RuntimeError:  # the loop closed meanwhile
                pass
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise TimeoutError(f"the server thread did not stop within {timeout} s")

    def __enter__(self) -> ServerHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


async def _run(
    handle: ServerHandle,
    application: tornado.web.Application,
    port: int,
    max_payload_size: int | str,
    on_shutdown: ShutdownHook | None,
    on_listening: Callable[[ServerHandle], None] | None = None,
) -> None:
    """Listen, report readiness through ``handle``, serve until ``handle.stop()``."""
    try:
        server, handle.port = listen(application, port, handle.host, max_payload_size)
        handle._loop = asyncio.get_running_loop()
        handle._stop = asyncio.Event()
        if application.settings.get("autoreload"):
            # Tornado starts autoreload on the loop current when the Application is
            # built, which is not this one when it was built outside the loop.
            tornado.autoreload.start()
    except BaseException as exc:
        handle._error = exc
        handle._ready.set()
        return
    handle._ready.set()
    try:
        if on_listening is not None:
            on_listening(handle)
        await handle._stop.wait()
    finally:
        server.stop()
        if on_shutdown is not None:
            on_shutdown()
        await server.close_all_connections()


def start_in_thread(
    application: tornado.web.Application,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    max_payload_size: int | str = "200M",
    on_shutdown: ShutdownHook | None = None,
) -> ServerHandle:
    """Serve ``application`` from a daemon thread with its own event loop.

    Returns once the server listens (or raises the binding error, e.g. the
    port is taken). ``on_shutdown`` runs on that loop when ``stop()`` is called.
    """
    handle = ServerHandle()
    handle.host = host
    handle._thread = threading.Thread(
        target=asyncio.run,
        args=(_run(handle, application, port, max_payload_size, on_shutdown),),
        name="pywebio-nb-server",
        daemon=True,
    )
    handle._thread.start()
    handle._ready.wait()
    if handle._error is not None:
        raise handle._error
    return handle


def serve(
    application: tornado.web.Application,
    *,
    port: int = 0,
    host: str = "",
    max_payload_size: int | str = "200M",
    on_shutdown: ShutdownHook | None = None,
    on_listening: Callable[[ServerHandle], None] | None = None,
) -> None:
    """Serve ``application`` on the calling thread until the process is interrupted.

    ``on_listening(handle)`` runs once the server listens (``handle.url`` is
    known); ``on_shutdown`` as in :func:`start_in_thread`.
    """
    handle = ServerHandle()
    handle.host = host
    asyncio.run(_run(handle, application, port, max_payload_size, on_shutdown, on_listening))
    if handle._error is not None:
        raise handle._error
