"""A measuring prototype, not a server to use: pywebio_nb sessions on a "handoff" WebSocket.

Tornado answers the HTTP request and the WebSocket handshake, then hands the
socket to a small ``asyncio.Protocol`` that speaks the frames itself and drives
the same :class:`~pywebio_nb.platform._ws_core.WebIOConnection` as every
server. It exists to measure what a session would cost without Tornado's
per-connection WebSocket objects (``bench_memory.py --backend handoff``).

What it leaves out on purpose: fragmented messages, ping/pong, the payload
limit, the close handshake's timeout, origin checks, the HTML page, binary
frames (uploads). Do not serve anything with it.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import socket
import struct
import threading
from collections.abc import Sequence
from typing import Any

import tornado.web
from tornado.util import _websocket_mask

from pywebio_nb.platform._apps import normalize_apps, select_app
from pywebio_nb.platform._info import session_info_from_request
from pywebio_nb.platform._origin import make_origin_check
from pywebio_nb.platform._sessions import SessionManager
from pywebio_nb.platform._ws_core import WebIOConfig, WebIOConnection
from pywebio_nb.protocol import Command
from pywebio_nb.session._base import Transport
from pywebio_nb.session._blobs import Blob

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def frame(opcode: int, payload: bytes) -> bytes:
    """One unmasked, final server frame."""
    size = len(payload)
    if size < 126:
        header = struct.pack("!BB", 0x80 | opcode, size)
    elif size < 1 << 16:
        header = struct.pack("!BBH", 0x80 | opcode, 126, size)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 127, size)
    return header + payload


class LeanSocket(asyncio.Protocol):
    """One WebSocket after the handshake: text frames in and out, close."""

    __slots__ = ("_buffer", "_clean", "_loop", "_thread", "app", "connection", "request", "writer")

    def __init__(self, config: WebIOConfig, app: Any, request: Any) -> None:
        self.app = app
        self.request = request
        self.connection = WebIOConnection(config, LeanTransport(self), self.close_socket)
        self.writer: asyncio.Transport | None = None
        self._buffer = b""
        self._clean = False
        self._loop = asyncio.get_running_loop()
        self._thread = threading.get_ident()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.writer = transport
        request = self.request
        self.connection.on_open(
            self.app, session_id=None, ack=None, info=lambda: session_info_from_request(request)
        )

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) >= 6:
            first, second = self._buffer[0], self._buffer[1]
            size, start = second & 0x7F, 2
            if size == 126:
                (size,), start = struct.unpack_from("!H", self._buffer, 2), 4
            elif size == 127:
                (size,), start = struct.unpack_from("!Q", self._buffer, 2), 10
            end = start + 4 + size
            if len(self._buffer) < end:
                return
            mask, payload = self._buffer[start : start + 4], self._buffer[start + 4 : end]
            self._buffer = self._buffer[end:]
            opcode, data = first & 0x0F, _websocket_mask(mask, payload)
            if opcode == 0x1:
                self.connection.on_text(data.decode())
            elif opcode == 0x8:
                self._clean = True
                self.close_socket(1000, "")

    def write(self, data: bytes) -> None:
        if threading.get_ident() == self._thread:
            if self.writer is not None and not self.writer.is_closing():
                self.writer.write(data)
        else:
            self._loop.call_soon_threadsafe(self.write, data)

    def close_socket(self, code: int, reason: str) -> None:
        self.write(frame(0x8, struct.pack("!H", code) + reason.encode()))
        if self.writer is not None:
            self._loop.call_soon_threadsafe(self.writer.close)

    def connection_lost(self, exc: Exception | None) -> None:
        self.connection.on_close(clean=self._clean)
        self.writer = None


class LeanTransport(Transport):
    """A session's frames to its :class:`LeanSocket` (one text frame per batch)."""

    __slots__ = ("_socket", "session")

    def __init__(self, lean: LeanSocket) -> None:
        self._socket: LeanSocket | None = lean

    def request_flush(self) -> None:
        lean = self._socket
        if lean is not None:
            lean._loop.call_soon_threadsafe(self.session.flush)

    def deliver(self, root_id: str, batch: list[Command], blobs: Sequence[Blob] = ()) -> None:
        if self._socket is not None:
            self._socket.write(frame(0x1, json.dumps(batch, separators=(",", ":")).encode()))

    def close(self) -> None:
        lean, self._socket = self._socket, None
        if lean is not None:
            lean.close_socket(1000, "")


class HandoffHandler(tornado.web.RequestHandler):
    config: WebIOConfig

    async def get(self) -> None:
        _, app = select_app(self.config.apps, self.get_query_argument("app", None))
        request = self.request
        sock = await hand_off(self)
        config = self.config
        loop = asyncio.get_running_loop()
        await loop.connect_accepted_socket(lambda: LeanSocket(config, app, request), sock)


def accept_value(key: bytes) -> bytes:
    """The ``Sec-WebSocket-Accept`` answer to a handshake's ``Sec-WebSocket-Key``."""
    return base64.b64encode(hashlib.sha1(key + GUID).digest())


async def hand_off(handler: tornado.web.RequestHandler) -> socket.socket:
    """Answer the WebSocket handshake of ``handler``'s request; its socket, Tornado's no more.

    The request keeps no reference to its HTTP connection afterwards.
    """
    request = handler.request
    accept = accept_value(request.headers["Sec-WebSocket-Key"].encode())
    stream = handler.detach()
    await stream.write(
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
        b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n"
    )
    sock = socket.socket(fileno=os.dup(stream.socket.fileno()))
    stream.close()
    request.connection = request.server_connection = None
    return sock


def start_server(applications: Any, port: int, host: str = "127.0.0.1", **_: Any) -> None:
    """Serve ``applications`` on the handoff prototype until the process ends."""
    config = WebIOConfig(
        normalize_apps(applications),
        make_origin_check(),
        "/_pywebio_nb/",
        sessions=SessionManager(),
    )
    handler = type("Handler", (HandoffHandler,), {"config": config})

    async def run() -> None:
        tornado.web.Application([("/", handler)]).listen(port, host)
        await asyncio.Event().wait()

    asyncio.run(run())
