"""TCP_NODELAY on jupyter_server's kernel WebSocket.

jupyter_server's kernel WebSocket handler never calls Tornado's
``set_nodelay(True)``, so a small frame to the browser (the output a click
produced) waits on Nagle's algorithm behind the unacknowledged frame before it
(the kernel's busy/idle status) until the browser's delayed ACK: ~25-30 ms of a
~60 ms round trip in JupyterLab (``shared/notes/jupyter-latency.md``). Tornado's
documentation recommends ``set_nodelay(True)`` for WebSockets sending small
messages.

The extension finds the kernel channels route in the web app's router (by its
URL pattern, whichever handler class the installed jupyter_server uses) and
replaces its handler by a subclass whose ``open`` turns TCP_NODELAY on, then
reads the option back from the socket and counts the connections where it
holds (``GET <base_url>pywebio/api/status`` reports them). When the route
cannot be found (a future jupyter_server), it logs one warning and changes
nothing.
"""

from __future__ import annotations

import logging
import socket
import threading
from typing import Any

import tornado.routing
import tornado.web
import tornado.websocket

__all__ = ["NoDelayState", "enable_kernel_nodelay"]


class NoDelayState:
    """Whether the kernel WebSocket handler was patched, and what its sockets said."""

    def __init__(self) -> None:
        self.patched = False
        self.handler = ""
        self._lock = threading.Lock()
        self.opened = 0
        self.nodelay = 0

    def record(self, nodelay: bool) -> None:
        with self._lock:
            self.opened += 1
            self.nodelay += nodelay

    def as_dict(self) -> dict[str, Any]:
        with self._lock:
            return {
                "patched": self.patched,
                "handler": self.handler,
                "connections": self.opened,
                "connections_with_nodelay": self.nodelay,
            }


def _socket_nodelay(handler: tornado.websocket.WebSocketHandler) -> bool:
    """TCP_NODELAY as the kernel actually has it on this connection's socket."""
    connection: Any = handler.ws_connection
    stream = getattr(connection, "stream", None)
    sock = getattr(stream, "socket", None)
    if sock is None:
        return False
    try:
        return bool(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
    except OSError:
        return False


def _kernel_channel_rules(router: Any) -> list[tornado.routing.Rule]:
    """The rules routing ``/api/kernels/<id>/channels`` to a WebSocket handler (recursive)."""
    found: list[tornado.routing.Rule] = []
    for rule in getattr(router, "rules", []):
        target = rule.target
        if isinstance(target, tornado.routing.RuleRouter):
            found += _kernel_channel_rules(target)
            continue
        pattern = getattr(getattr(rule.matcher, "regex", None), "pattern", "")
        if (
            isinstance(target, type)
            and issubclass(target, tornado.websocket.WebSocketHandler)
            and "api/kernels/" in pattern
            and pattern.rstrip("$").endswith("/channels")
        ):
            found.append(rule)
    return found


def _with_nodelay(
    cls: type[tornado.websocket.WebSocketHandler], state: NoDelayState
) -> type[tornado.websocket.WebSocketHandler]:
    original_open = cls.open

    def open(self: tornado.websocket.WebSocketHandler, *args: Any, **kwargs: Any) -> Any:
        # Before the handler's own open: its first frames (the kernel's status,
        # kernel_info) already leave without delay.
        try:
            self.set_nodelay(True)
        finally:
            state.record(_socket_nodelay(self))
        return original_open(self, *args, **kwargs)

    return type(cls.__name__, (cls,), {"open": open, "__module__": cls.__module__})


def enable_kernel_nodelay(web_app: tornado.web.Application, logger: logging.Logger) -> NoDelayState:
    """Turn TCP_NODELAY on for the kernel WebSockets of ``web_app``; never raises."""
    state = NoDelayState()
    try:
        rules = _kernel_channel_rules(web_app.default_router)
        for rule in rules:
            rule.target = _with_nodelay(rule.target, state)
            state.handler = f"{rule.target.__module__}.{rule.target.__qualname__}"
        state.patched = bool(rules)
    except Exception:  # a jupyter_server whose router we do not understand
        logger.exception("pywebio_nb: could not enable TCP_NODELAY on the kernel WebSocket")
        return state
    if not state.patched:
        logger.warning(
            "pywebio_nb: no kernel WebSocket route (/api/kernels/<id>/channels) found in "
            "this jupyter_server; kernel messages keep Nagle's delay (~25-30 ms per "
            "round trip)"
        )
    return state
