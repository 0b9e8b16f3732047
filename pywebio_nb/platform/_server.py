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

:func:`serve` is what ``start_server`` does after building its application:
in a plain process it prints the URL, opens a browser on request, starts a
tunnel for ``remote_access`` (see ``_tunnel``) and blocks until interrupted
(Ctrl-C or SIGTERM stop it cleanly, tunnel included). Inside an IPython kernel
it must not block the kernel: the server runs in a background thread, a link
is displayed, and the :class:`ServerHandle` is returned; serving again on the
same port stops the previous server of that kernel first.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
import threading
import webbrowser
from collections.abc import Callable, Coroutine
from html import escape
from typing import Any

import tornado.autoreload
import tornado.httpserver
import tornado.netutil
import tornado.web

from ._apps import parse_size
from ._gc import server_gc
from ._tunnel import Tunnel, resolve_tunnel_cmd

__all__ = [
    "ServerHandle",
    "listen",
    "make_application",
    "process_mode",
    "serve",
    "start_in_thread",
]

logger = logging.getLogger("pywebio_nb.platform")

#: Attribute of the IPython shell holding the servers a kernel started, by port.
_KERNEL_SERVERS_ATTR = "_pywebio_nb_servers"

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
    # Tornado starts autoreload while building the Application, on the event loop
    # current then; here that is not the loop that will serve (which starts it
    # itself, see _run), so build without it and restore the setting after.
    autoreload = bool(settings.get("autoreload", settings["debug"]))
    settings["autoreload"] = False
    application = tornado.web.Application(routes, **settings)
    application.settings["autoreload"] = autoreload
    return application


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


class _ProcessMode:
    """How this process serves PyWebIO: ``"server"`` (start_server, path_deploy) or ``"script"``.

    As in PyWebIO, a process does one or the other: once a server was started,
    calling the API outside a session raises SessionNotFoundException instead
    of starting script mode; once script mode started, start_server raises.
    It is process-wide by nature, hence this one module-level instance.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._mode: str | None = None

    @property
    def mode(self) -> str | None:
        return self._mode

    def claim(self, mode: str) -> bool:
        """Enter ``mode``; False (nothing changes) when the process is in the other one."""
        with self._lock:
            if self._mode not in (None, mode):
                return False
            self._mode = mode
            return True


process_mode = _ProcessMode()


class ServerHandle:
    """A server running in a background thread (notebooks, tests, benchmarks).

    ``url`` (and ``port``) say where it listens; ``public_url`` is the tunnel's
    URL with ``remote_access=True`` (else None); ``stop()`` closes every
    session (pending ``input()`` calls raise ``SessionClosedException``), the
    server and the tunnel.
    """

    def __init__(self) -> None:
        self.port = 0
        self.host = ""
        self.public_url: str | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        # Set when the server thread's loop ended. Thread.is_alive()/join() are
        # not trusted: on CPython 3.11 a Ctrl-C that interrupts join() marks the
        # thread stopped while it still runs (stop() would then do nothing).
        self._done = threading.Event()
        self._tunnel: Tunnel | None = None

    @property
    def url(self) -> str:
        host = self.host if self.host not in ("", "0.0.0.0", "::") else "localhost"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}/"

    @property
    def running(self) -> bool:
        """True while the server thread runs."""
        return self._thread is not None and not self._done.is_set()

    def wait(self) -> None:
        """Block until the server stops (interruptible by Ctrl-C)."""
        if self._thread is not None:
            self._done.wait()

    def _serve(self, main: Coroutine[Any, Any, None]) -> None:
        """The server thread's body: ``main`` on a loop of its own."""
        try:
            asyncio.run(main)
        finally:
            self._done.set()

    def stop(self, timeout: float = 10) -> None:
        """Stop the server and its tunnel; wait for its thread (at most ``timeout`` s).

        Calling it again, or after the server thread ended, does nothing.
        """
        tunnel, self._tunnel = self._tunnel, None
        if tunnel is not None:
            tunnel.stop()
        if self._thread is None or self._done.is_set():
            return
        if self._loop is not None and self._stop is not None:
            try:
                self._loop.call_soon_threadsafe(self._stop.set)
            except RuntimeError:  # the loop closed meanwhile
                pass
        if not self._done.wait(timeout):
            raise TimeoutError(f"the server thread did not stop within {timeout} s")

    def __enter__(self) -> ServerHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<ServerHandle {self.url} {state}>"


async def _run(
    handle: ServerHandle,
    application: tornado.web.Application,
    port: int,
    max_payload_size: int | str,
    on_shutdown: ShutdownHook | None,
) -> None:
    """Listen, report readiness through ``handle``, serve until ``handle.stop()``."""
    try:
        server, handle.port = listen(application, port, handle.host, max_payload_size)
        handle._loop = asyncio.get_running_loop()
        handle._stop = asyncio.Event()
        if application.settings.get("autoreload"):
            tornado.autoreload.start()  # on this loop (see make_application)
    except BaseException as exc:
        handle._error = exc
        handle._ready.set()
        return
    handle._ready.set()
    try:
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
        target=handle._serve,
        args=(_run(handle, application, port, max_payload_size, on_shutdown),),
        name="pywebio-nb-server",
        daemon=True,
    )
    handle._thread.start()
    handle._ready.wait()
    if handle._error is not None:
        raise handle._error
    return handle


def kernel_shell() -> Any | None:
    """The IPython shell of the running kernel, or None outside a kernel."""
    if "ipykernel" not in sys.modules:
        return None
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    return shell if getattr(shell, "kernel", None) is not None else None


def serve(
    application: tornado.web.Application,
    *,
    port: int = 0,
    host: str = "",
    max_payload_size: int | str = "200M",
    on_shutdown: ShutdownHook | None = None,
    on_listening: Callable[[ServerHandle], None] | None = None,
    auto_open_webbrowser: bool = False,
    remote_access: bool = False,
    tunnel_cmd: str | None = None,
) -> ServerHandle | None:
    """Serve ``application`` as ``start_server`` does; see the module docstring.

    Outside a kernel: blocks until Ctrl-C or SIGTERM, then returns None. Inside
    an IPython kernel: returns the running :class:`ServerHandle` at once.
    ``on_listening(handle)`` runs once the server listens; ``on_shutdown`` as
    in :func:`start_in_thread`. ``remote_access`` needs a tunnel command
    (``tunnel_cmd`` or ``$PYWEBIO_NB_TUNNEL_CMD``), else
    :class:`~pywebio_nb.platform._tunnel.RemoteAccessError` is raised before
    anything listens.
    """
    claim_server_mode()
    command = resolve_tunnel_cmd(tunnel_cmd) if remote_access else None
    shell = kernel_shell()
    if shell is not None:
        if application.settings.get("autoreload"):
            # Autoreload re-executes the process: here that is the kernel itself.
            logger.warning("debug=True: autoreload is off inside a notebook kernel")
            application.settings["autoreload"] = False
        _stop_kernel_server(shell, port)
    handle = start_in_thread(
        application,
        host=host,
        port=port,
        max_payload_size=max_payload_size,
        on_shutdown=on_shutdown,
    )
    return run_started(
        handle,
        shell=shell,
        tunnel_command=command,
        auto_open_webbrowser=auto_open_webbrowser,
        on_listening=on_listening,
    )


def claim_server_mode() -> None:
    """Mark this process as a server's; RuntimeError when script mode got it first."""
    if not process_mode.claim("server"):
        raise RuntimeError(
            "this process already runs in script mode (PyWebIO functions were called "
            "outside any app): start the server before calling any of them"
        )


def run_started(
    handle: ServerHandle,
    *,
    shell: Any,
    tunnel_command: str | None,
    auto_open_webbrowser: bool,
    on_listening: Callable[[ServerHandle], None] | None = None,
) -> ServerHandle | None:
    """What ``start_server`` does once ``handle``'s server listens (any backend).

    Opens the tunnel; in a kernel registers the server (a later start on the same
    port stops it), shows its link and returns the handle; elsewhere prints the
    URL and blocks until Ctrl-C or SIGTERM, then stops the server and returns None.
    """
    command = tunnel_command
    try:
        if command is not None:
            handle._tunnel = Tunnel.start(command, handle.port)
            handle.public_url = handle._tunnel.url
        if on_listening is not None:
            on_listening(handle)
        if shell is not None:
            servers = getattr(shell, _KERNEL_SERVERS_ATTR, None)
            if servers is None:
                servers = {}
                setattr(shell, _KERNEL_SERVERS_ATTR, servers)
            servers[handle.port] = handle
            _announce_in_notebook(handle)
            if auto_open_webbrowser:
                _open_browser(handle.url)
            return handle
        print(f"Serving on {handle.url}", flush=True)
        if handle.public_url is not None:
            print(f"Public URL: {handle.public_url}", flush=True)
        if auto_open_webbrowser:
            _open_browser(handle.url)
        with server_gc():  # the process is the server's (see _gc)
            _wait_in_foreground(handle)
    except BaseException:
        handle.stop()
        raise
    handle.stop()
    return None


def _stop_kernel_server(shell: Any, port: int) -> None:
    """Stop the server this kernel started earlier on ``port`` (a re-run cell)."""
    servers: dict[int, ServerHandle] = getattr(shell, _KERNEL_SERVERS_ATTR, {})
    for known_port, old in list(servers.items()):
        if not old.running:
            del servers[known_port]
        elif port and known_port == port:
            print(f"Stopping the previous server on port {port}", flush=True)
            old.stop()
            del servers[known_port]


def _announce_in_notebook(handle: ServerHandle) -> None:
    lines = [f"Serving on {handle.url}"]
    links = [f'<a href="{escape(handle.url)}" target="_blank">{escape(handle.url)}</a>']
    if handle.public_url is not None:
        lines.append(f"Public URL: {handle.public_url}")
        url = escape(handle.public_url)
        links.append(f'public: <a href="{url}" target="_blank">{url}</a>')
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover - a kernel always has IPython
        print("\n".join(lines), flush=True)
        return
    html = (
        "PyWebIO app serving on "
        + " &middot; ".join(links)
        + " (stop it with <code>.stop()</code>)"
    )
    display({"text/html": html, "text/plain": "\n".join(lines)}, raw=True)  # type: ignore[no-untyped-call]


def _open_browser(url: str) -> None:
    # A thread: some browsers' launchers block until the browser exits.
    threading.Thread(
        target=webbrowser.open, args=(url,), name="pywebio-nb-browser", daemon=True
    ).start()


def _wait_in_foreground(handle: ServerHandle) -> None:
    """Block until Ctrl-C or SIGTERM (which then stop the server cleanly)."""
    if threading.current_thread() is not threading.main_thread():
        handle.wait()
        return

    def terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        handle.wait()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
