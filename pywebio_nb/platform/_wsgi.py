"""Run a WSGI app (the Flask and Django adapters) on a threaded server.

HTTP polling holds a request open for up to ``POLL_SECONDS`` (a long poll),
so a WSGI server must give every request its own thread; a server with a few
worker threads would stall once as many pages poll. The standard library's
``wsgiref`` server with ``ThreadingMixIn`` does that, and is what Django's
``runserver`` uses; Flask's ``app.run`` (Werkzeug) runs threaded by default.

:func:`start_wsgi_in_thread` serves an app from a daemon thread and returns a
:class:`WsgiServerHandle` (tests, benchmarks, notebooks);
:func:`serve_wsgi` does what ``start_server`` does with it: claim server mode,
start the ``remote_access`` tunnel, print the URL and block until Ctrl-C.

The rest is what the Flask and Django views share around the framework's own
request object: the :class:`~._http_core.HttpCore` with the manual's Flask and
Django defaults (:func:`polling_core`), reading an event's body within the
payload limit (:func:`read_event_body`) and closing the sessions when the
server stops (:func:`closing_sessions`).
"""

from __future__ import annotations

import asyncio
import logging
import socketserver
import threading
from collections.abc import Callable, Sequence
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from ._http_core import HttpCore, HttpResponse, read_body
from ._server import _wait_in_foreground, claim_server_mode, kernel_shell
from ._tunnel import Tunnel, resolve_tunnel_cmd

__all__ = [
    "DEFAULT_SESSION_CLEANUP_INTERVAL",
    "DEFAULT_SESSION_EXPIRE_SECONDS",
    "STATIC_URL_PREFIX",
    "WsgiServerHandle",
    "closing_sessions",
    "polling_core",
    "read_event_body",
    "serve_wsgi",
    "start_wsgi_in_thread",
]

logger = logging.getLogger("pywebio_nb.platform")

#: How long a stopping server waits for its sessions to close (defer_call included).
CLOSE_TIMEOUT = 10.0

WsgiApp = Callable[..., Any]

#: URL prefix of the frontend files (the same as the Tornado servers').
STATIC_URL_PREFIX = "/_pywebio_nb/"
#: Defaults of the manual for Flask and Django.
DEFAULT_SESSION_EXPIRE_SECONDS = 600.0
DEFAULT_SESSION_CLEANUP_INTERVAL = 300.0


def polling_core(
    applications: Any,
    *,
    backend: str,
    cdn: bool | str,
    allowed_origins: Sequence[str] | None,
    check_origin: Callable[[str], bool] | None,
    session_expire_seconds: float | None,
    session_cleanup_interval: float | None,
    max_payload_size: int | str,
) -> HttpCore:
    """The HTTP polling core of one Flask or Django view (``backend``: ``session.info.backend``)."""
    return HttpCore(
        applications,
        cdn=cdn,
        static_url_prefix=STATIC_URL_PREFIX,
        allowed_origins=allowed_origins,
        check_origin=check_origin,
        session_expire_seconds=session_expire_seconds or DEFAULT_SESSION_EXPIRE_SECONDS,
        session_cleanup_interval=session_cleanup_interval or DEFAULT_SESSION_CLEANUP_INTERVAL,
        max_payload_size=max_payload_size,
        backend=backend,
    )


def read_event_body(
    core: HttpCore, content_length: int | None, read: Callable[[int], bytes]
) -> bytes | HttpResponse:
    """An event request's body, or the 413 answer when it is over the payload limit.

    A declared length over the limit is refused before anything is read; a
    body without one (chunked) is read to at most one byte past the limit.
    """
    refused = core.too_large(content_length)
    if refused is not None:
        return refused
    body = read_body(read, core.max_payload_size)
    refused = core.too_large(len(body))
    return body if refused is None else refused


def closing_sessions(core: HttpCore) -> Callable[[], None]:
    """What a WSGI server runs when it stops: close ``core``'s sessions on their loop."""

    def close() -> None:
        loop = core.loop
        if loop is None or loop.is_closed():
            return
        try:
            on_loop = asyncio.get_running_loop() is loop
        except RuntimeError:
            on_loop = False
        if on_loop:
            core.close_all()
            return
        # Wait for it: a script's start_server returns right after this, and the
        # process would end before the sessions ran their defer_call functions.
        closed = threading.Event()

        def close_on_loop() -> None:
            try:
                core.close_all()
            finally:
                closed.set()

        try:
            loop.call_soon_threadsafe(close_on_loop)
        except RuntimeError:  # the loop closed meanwhile
            return
        closed.wait(CLOSE_TIMEOUT)

    return close


class _ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True  # a long poll in flight must not keep the process alive
    allow_reuse_address = True


class _Handler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s - %s", self.address_string(), format % args)


class WsgiServerHandle:
    """A WSGI server running in a background thread; ``stop()`` ends it.

    ``url`` and ``port`` say where it listens; ``public_url`` is the tunnel's
    URL with ``remote_access=True``. ``on_shutdown`` (given to
    :func:`start_wsgi_in_thread`) runs when it stops: the adapters close their
    sessions there.
    """

    def __init__(self, server: WSGIServer, host: str, on_shutdown: Callable[[], None] | None):
        self._server = server
        self.host = host
        self.port = int(server.server_address[1])
        self.public_url: str | None = None
        self._tunnel: Tunnel | None = None
        self._on_shutdown = on_shutdown
        # Set when serve_forever returned. Thread.is_alive()/join() are not
        # trusted: on CPython 3.11 a Ctrl-C that interrupts join() marks the
        # thread stopped while it still serves (stop() would then do nothing).
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="pywebio-nb-wsgi", daemon=True)

    def _serve(self) -> None:
        try:
            # serve_forever notices shutdown() between polls: 0.1 s keeps stop() quick.
            self._server.serve_forever(0.1)
        finally:
            self._done.set()

    @property
    def url(self) -> str:
        host = self.host if self.host not in ("", "0.0.0.0", "::") else "localhost"
        return f"http://{host}:{self.port}/"

    @property
    def running(self) -> bool:
        return self._thread.ident is not None and not self._done.is_set()

    def wait(self) -> None:
        """Block until the server stops (interruptible by Ctrl-C)."""
        self._done.wait()

    def stop(self, timeout: float = 10) -> None:
        """Stop the server, its tunnel and its sessions; calling it again does nothing."""
        tunnel, self._tunnel = self._tunnel, None
        if tunnel is not None:
            tunnel.stop()
        if self._thread.ident is None or self._done.is_set():
            return
        self._server.shutdown()
        self._server.server_close()
        self._done.wait(timeout)
        if self._on_shutdown is not None:
            self._on_shutdown()

    def __enter__(self) -> WsgiServerHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<WsgiServerHandle {self.url} {'running' if self.running else 'stopped'}>"


def start_wsgi_in_thread(
    app: WsgiApp,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    on_shutdown: Callable[[], None] | None = None,
) -> WsgiServerHandle:
    """Serve ``app`` from a daemon thread, one thread per request; returns once it listens."""
    server = make_server(
        host or "0.0.0.0", port, app, server_class=_ThreadingWSGIServer, handler_class=_Handler
    )
    handle = WsgiServerHandle(server, host, on_shutdown)
    handle._thread.start()
    return handle


def serve_wsgi(
    app: WsgiApp,
    *,
    host: str,
    port: int,
    remote_access: bool = False,
    on_shutdown: Callable[[], None] | None = None,
    run: Callable[[], None] | None = None,
) -> WsgiServerHandle | None:
    """What ``start_server`` does: serve ``app`` until Ctrl-C (in a kernel: return the handle).

    ``run``: the framework's own blocking server (Flask's ``app.run``) used
    instead of the threaded ``wsgiref`` server outside kernels.
    """
    claim_server_mode()
    command = resolve_tunnel_cmd(None) if remote_access else None
    if run is not None and kernel_shell() is None and command is None:
        print(f"Serving on http://{host or 'localhost'}:{port}/", flush=True)
        try:
            run()
        finally:
            if on_shutdown is not None:
                on_shutdown()
        return None
    handle = start_wsgi_in_thread(app, host=host, port=port, on_shutdown=on_shutdown)
    try:
        if command is not None:
            handle._tunnel = Tunnel.start(command, handle.port)
            handle.public_url = handle._tunnel.url
        if kernel_shell() is not None:
            print(f"Serving on {handle.url}", flush=True)
            return handle
        print(f"Serving on {handle.url}", flush=True)
        if handle.public_url is not None:
            print(f"Public URL: {handle.public_url}", flush=True)
        _wait_in_foreground(handle)  # type: ignore[arg-type]
    except BaseException:
        handle.stop()
        raise
    handle.stop()
    return None
