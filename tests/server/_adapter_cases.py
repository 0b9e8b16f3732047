"""How the WebSocket framework adapter tests (aiohttp, FastAPI/Starlette) reach a server.

:class:`Backend` says how to start one adapter's server; :func:`connect` opens a
protocol client on it and :func:`get` makes a plain HTTP request. The cases
every adapter must pass are in ``test_adapter_websocket_server.py``
(parametrized over the backends); each adapter's own test module holds what
only that framework has (the manual's integration examples).
"""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import tornado.httpclient
import tornado.websocket
from _wsclient import TIMEOUT, Client

from pywebio_nb.platform.tornado import ServerHandle

__all__ = ["Backend", "connect", "get"]


@dataclass
class Backend:
    """How to start one adapter: ``start(applications, **start_server_kwargs)``."""

    name: str  # session.info.backend
    start: Callable[..., ServerHandle]
    serve_app: Callable[[Any], ServerHandle]  # any app of the framework (manual examples)


async def connect(
    server: ServerHandle, query: str = "session=NEW", path: str = "/", **headers: str
) -> Client:
    url = f"ws://127.0.0.1:{server.port}{path}?{query}"
    request = tornado.httpclient.HTTPRequest(url, headers=headers)
    conn = await asyncio.wait_for(
        tornado.websocket.websocket_connect(request, max_message_size=1 << 30), TIMEOUT
    )
    return Client(conn)


def get(server: ServerHandle, path: str) -> tuple[int, str, Any]:
    """A plain HTTP GET: (status, body, headers (case-insensitive names))."""
    url = f"http://127.0.0.1:{server.port}{path}"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            return response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), exc.headers
