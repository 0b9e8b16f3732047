"""A protocol-level WebSocket client for server tests and benchmarks."""

from __future__ import annotations

import asyncio
import json
import struct
from collections import deque
from collections.abc import Callable
from typing import Any

import tornado.httpclient
import tornado.websocket

from pywebio_nb.platform.tornado import ServerHandle

TIMEOUT = 10.0


class Client:
    """Speaks PyWebIO's protocol over a WebSocket: batches in, one event out."""

    def __init__(self, conn: tornado.websocket.WebSocketClientConnection) -> None:
        self.conn = conn
        self.ended = False  # the read side saw the end of the connection
        _opened.append(self)
        self.frames = 0
        self.received: list[dict[str, Any]] = []
        #: Blobs received as binary frames: id -> bytes so far (complete when the
        #: length reaches ``blob_sizes[id]``); ``binary_frames`` counts the frames.
        self.blobs: dict[str, bytearray] = {}
        self.blob_sizes: dict[str, int] = {}
        self.binary_frames = 0
        self._pending: deque[dict[str, Any]] = deque()

    @classmethod
    async def connect(
        cls,
        server: ServerHandle,
        query: str = "",
        headers: dict[str, str] | None = None,
        max_message_size: int = 1 << 30,
    ) -> Client:
        url = f"ws://127.0.0.1:{server.port}/?{query}{'&' if query else ''}session=NEW"
        request = tornado.httpclient.HTTPRequest(url, headers=headers or {})
        conn = await asyncio.wait_for(
            tornado.websocket.websocket_connect(request, max_message_size=max_message_size), TIMEOUT
        )
        return cls(conn)

    async def frame(self, timeout: float = TIMEOUT) -> list[dict[str, Any]] | None:
        """The next batch (a list of commands), or None when the server closed.

        Binary frames met on the way (blob chunks) are stored in ``blobs``.
        """
        message = await asyncio.wait_for(self.conn.read_message(), timeout)
        while isinstance(message, bytes):
            self._blob_chunk(message)
            message = await asyncio.wait_for(self.conn.read_message(), timeout)
        if message is None:
            self.ended = True
            return None
        assert isinstance(message, str), "commands travel as text frames"
        batch = json.loads(message)
        assert isinstance(batch, list), f"a frame carries a JSON list of commands, got {batch!r}"
        self.frames += 1
        self.received.extend(batch)
        return batch

    def _blob_chunk(self, frame: bytes) -> None:
        """Check and store one binary frame: u32 header length | blob command JSON | chunk."""
        (length,) = struct.unpack(">I", frame[:4])
        header = json.loads(frame[4 : 4 + length])
        assert header["command"] == "blob", f"a binary frame carries a blob chunk, got {header!r}"
        spec = header["spec"]
        chunk = frame[4 + length :]
        data = self.blobs.setdefault(spec["id"], bytearray(spec["size"]))
        self.blob_sizes[spec["id"]] = spec["size"]
        assert spec["offset"] + len(chunk) <= spec["size"], f"chunk beyond its blob: {spec}"
        data[spec["offset"] : spec["offset"] + len(chunk)] = chunk
        self.binary_frames += 1

    async def command(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        while not self._pending:
            batch = await self.frame(timeout)
            if batch is None:
                raise ConnectionError("the server closed the WebSocket")
            self._pending.extend(batch)
        return self._pending.popleft()

    async def until(
        self,
        name: str,
        predicate: Callable[[dict[str, Any]], bool] = lambda c: True,
        timeout: float = TIMEOUT,
    ) -> dict[str, Any]:
        """Skip commands until one named ``name`` matching ``predicate`` arrives."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            command = await self.command(max(0.01, deadline - loop.time()))
            if command["command"] == name and predicate(command):
                return command

    async def closed(self, timeout: float = TIMEOUT) -> None:
        """Wait until the server closes the socket (skipping any commands)."""
        while await self.frame(timeout) is not None:
            pass

    async def send(self, event: str, task_id: str | None, data: Any) -> None:
        await self.conn.write_message(
            json.dumps({"event": event, "task_id": task_id, "data": data})
        )

    async def submit(self, form: dict[str, Any], value: Any, name: str = "data") -> None:
        await self.send("from_submit", form["task_id"], {name: value})

    def close(self) -> None:
        self.conn.close()

    async def aclose(self, timeout: float = TIMEOUT) -> None:
        """Close and wait until the socket is closed (the server answered the close)."""
        self.conn.close()
        while not self.ended:
            await self.frame(timeout)


def text_of(command: dict[str, Any]) -> str | None:
    spec = command.get("spec") or {}
    return spec.get("content") if command["command"] == "output" else None


#: Clients made during the running ``run()``; it closes them when the body ends.
_opened: list[Client] = []


def run(coro: Any) -> Any:
    """Run an async test body with a bound on the whole (never a bare sleep).

    Every :class:`Client` made meanwhile is closed at the end, on the loop that
    opened it, and its socket with it: an unclosed connection (even one the
    server closed) warns with ``ResourceWarning`` whenever the garbage collector
    finds it, in some later test.
    """

    async def main() -> Any:
        try:
            return await asyncio.wait_for(coro, 60)
        finally:
            while _opened:
                await _opened.pop().aclose()

    return asyncio.run(main())
