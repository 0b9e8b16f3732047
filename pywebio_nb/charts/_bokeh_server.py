"""Bokeh server applications in a Tornado server session (``show(app)``).

``bokeh.io.show(app)`` with ``output_notebook(notebook_type='pywebio')``,
where ``app`` is a ``bokeh.application.Application`` or a ``modify_doc(doc)``
function, puts a live Bokeh app into the page: its Python callbacks run in
this process, talking to the browser over the Bokeh server's own websocket.

Bokeh's request handlers need their ``tornado.web.Application`` to be Bokeh's
``BokehTornado``, so the app cannot be mounted inside pywebio_nb's Tornado
application: a Bokeh ``Server`` runs beside it, on the same IOLoop (no thread
of its own), started lazily on the first ``show(app)`` and reused for the
same app afterwards (one per app and listening address for each server
loop). It listens on the local address the page's connection came in on
(127.0.0.1 for a page opened on the loopback) with a free port, and its
websocket accepts only the origins of the pages that showed the app.
BokehJS comes from the installed bokeh package through the chart libraries
(``resources=None``: the Bokeh server serves no JavaScript to the page).

The Bokeh server lives as long as the server loop; it needs Tornado and a
long-lived websocket, hence it is available in the default Tornado backend
(``start_server``, ``path_deploy``) only, as in PyWebIO.
"""

from __future__ import annotations

import concurrent.futures
import ipaddress
import threading
import weakref
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import tornado.ioloop

__all__ = ["BokehAppUnavailableError", "show_app", "stop_app_servers"]

T = TypeVar("T")

#: The BokehJS parts a server app may need (widgets for sliders, tables...).
_BOKEHJS = ("bokeh", "bokeh-gl", "bokeh-widgets", "bokeh-tables")
#: How long an app thread waits for the server loop to start the Bokeh server.
_START_TIMEOUT = 30.0

_lock = threading.Lock()
#: The running Bokeh servers of each server loop, by (app, listening address).
_servers: weakref.WeakKeyDictionary[tornado.ioloop.IOLoop, dict[tuple[Any, str], Any]] = (
    weakref.WeakKeyDictionary()
)


class BokehAppUnavailableError(RuntimeError):
    """``show(app)`` outside a session of the default Tornado server backend."""


def _unavailable(where: str) -> BokehAppUnavailableError:
    return BokehAppUnavailableError(
        "show() of a Bokeh server application (an Application or a modify_doc "
        "function) is only available in the default Tornado backend (start_server or "
        f"path_deploy, over a websocket); here it was called {where}. Show a figure "
        "with show(fig) instead, or run the app with `bokeh serve` and link to it."
    )


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _on_loop(loop: tornado.ioloop.IOLoop, func: Callable[[], T]) -> T:
    """``func()`` run on ``loop``'s thread (Tornado servers must be made there)."""
    if tornado.ioloop.IOLoop.current(instance=False) is loop:
        return func()
    future: concurrent.futures.Future[T] = concurrent.futures.Future()

    def run() -> None:
        try:
            future.set_result(func())
        except BaseException as exc:  # handed to the waiting thread, which raises it
            future.set_exception(exc)

    loop.add_callback(run)
    return future.result(timeout=_START_TIMEOUT)


def _server_for(
    loop: tornado.ioloop.IOLoop, app: Any, address: str, origin: str, options: dict[str, Any]
) -> Any:
    """The Bokeh server of ``app`` on ``loop`` at ``address``, started if need be."""
    from bokeh.server.server import Server

    with _lock:
        running = _servers.setdefault(loop, {})
        server = running.get((app, address))
        if server is None:
            server = Server(
                {"/": app},
                io_loop=loop,
                address=address,
                port=0,
                allow_websocket_origin=[origin],
                **options,
            )
            server.start()
            running[(app, address)] = server
        else:
            # One more page origin (say localhost and 127.0.0.1) may now connect.
            server._tornado.websocket_origins.add(origin)
    return server


def stop_app_servers() -> None:
    """Stop every Bokeh server ``show(app)`` started (their ports are closed).

    A Bokeh server otherwise lives as long as the process; this is for a
    program (or a test) that stops its pywebio_nb server and goes on.
    """
    with _lock:
        by_loop = [(loop, list(running.values())) for loop, running in _servers.items()]
        _servers.clear()
    for loop, servers in by_loop:

        def stop(servers: list[Any] = servers) -> None:
            for server in servers:
                server.stop()
                # Bokeh's stop() closes the listening sockets; its open websockets too:
                server.io_loop.add_callback(server._http.close_all_connections)

        _on_loop(loop, stop)


def _page_endpoint(session: Any) -> tuple[tornado.ioloop.IOLoop, str, str, str]:
    """The page's server loop, local address, host name and origin ``host:port``."""
    from ..platform._ws_transport import WebSocketTransport

    transport = session.transport
    info = session.info
    if not isinstance(transport, WebSocketTransport) or getattr(info, "backend", None) != "tornado":
        kind = type(session).__name__
        backend = getattr(info, "backend", None)
        raise _unavailable(f"in a {kind}" + (f" of the {backend} backend" if backend else ""))
    # The transport keeps the loop and the handler privately (it is the platform's
    # own object); read-only use here, to find where the page came in.
    connection = getattr(transport._handler, "ws_connection", None)
    stream = getattr(connection, "stream", None)
    if stream is None:
        raise _unavailable("after the page's connection closed")
    loop: tornado.ioloop.IOLoop = stream.io_loop
    sock = getattr(stream, "socket", None)
    address = str(sock.getsockname()[0]) if sock is not None else "127.0.0.1"
    # The browser reaches the Bokeh server under the name it used for the page.
    host = urlsplit(f"//{info.server_host}").hostname or address
    origin = urlsplit(info.origin).netloc.lower() or info.server_host.lower()
    if _is_loopback(host):
        host = "[::1]" if ":" in address else "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"
    return loop, address, host, origin


def show_app(app: Any, **options: Any) -> None:
    """Start (once) a Bokeh server for ``app`` and put the app into the page.

    ``options`` go to ``bokeh.server.server.Server`` (for example
    ``keep_alive_milliseconds``); address, port and websocket origins are set
    here. Raises :class:`BokehAppUnavailableError` outside a websocket
    session of the Tornado server.
    """
    from ..exceptions import SessionNotFoundException
    from ..session._context import get_current_session

    try:
        session = get_current_session()
    except SessionNotFoundException:
        raise _unavailable("outside a session") from None
    loop, address, host, origin = _page_endpoint(session)
    server = _on_loop(loop, lambda: _server_for(loop, app, address, origin, options))

    from bokeh.embed import server_document

    from ..output import put_html
    from ._html import placeholder

    url = f"http://{host}:{server.port}/"
    put_html("".join(placeholder(name) for name in _BOKEHJS) + server_document(url, resources=None))
