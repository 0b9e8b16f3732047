"""Close the app sessions when Jupyter Server shuts down.

Jupyter Server calls the shutdown hooks of ``ExtensionApp`` extensions only;
an extension loaded by ``_load_jupyter_server_extension`` (this one) gets no
call. Every way the server stops (Ctrl-C or SIGTERM, ``POST /api/shutdown``,
``jupyter server stop``) goes through ``ServerApp._cleanup``, which first
awaits ``ServerApp.cleanup_extensions`` and only then shuts the kernels down
and stops the event loop. So the server's ``cleanup_extensions`` is wrapped:
the sessions close there, on the server's loop, while it still runs — each
session's ``defer_call`` functions run once, a pending ``input()`` raises
``SessionClosedException``, and each connected page gets ``close_session`` (it
shows the session as ended instead of trying to reconnect to a server that is
going away) before its WebSocket closes. Sessions waiting for their page to
come back have no page to tell; they just close.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from ..platform._ws_core import WebIOConfig

__all__ = ["close_on_shutdown", "close_sessions"]

logger = logging.getLogger("pywebio_nb.serverext")


def close_on_shutdown(serverapp: Any, close_sessions: Callable[[], None]) -> None:
    """Run ``close_sessions()`` when ``serverapp`` cleans up its extensions (it stops)."""
    cleanup_extensions = serverapp.cleanup_extensions

    async def cleanup_with_sessions() -> None:
        try:
            close_sessions()
        except Exception:  # the other extensions and the kernels must still stop
            logger.exception("pywebio_nb: closing the app sessions failed")
        await cleanup_extensions()

    serverapp.cleanup_extensions = cleanup_with_sessions


def close_sessions(config: WebIOConfig) -> None:
    """Close every session of ``config``, telling each connected page (``close_session``)."""
    for connection in list(config.live):
        session = connection.session
        if session is not None:
            session.close()  # close_session, then the socket closes after it
    config.close_all()  # the rest: sessions waiting for their page to come back
