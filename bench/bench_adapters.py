"""The same benchmark apps as ``bench_server.py`` on every server backend, side by side.

For each backend in :data:`BACKENDS` (Tornado first, the reference), for a
thread-based and a coroutine-based app, over loopback:

1. Output throughput: ``for i in range(N): put_text(i)``; texts/second from
   connecting to the last text received, and the frames they came in.
2. Input round trip: ``input()`` 200 times, each ``input_group`` answered at
   once; the median and p90 from sending ``from_submit`` to the next form.

A backend is one row of :data:`BACKENDS`: its name, its protocol (a key of
:data:`CLIENTS`, which says how to measure it) and ``start(app) ->
ServerHandle`` serving ``app`` at ``/`` on 127.0.0.1. Rows whose framework is
not installed are skipped, saying so.

Run: ``.venv/bin/python bench/bench_adapters.py [--texts 20000] [--inputs 200]
[--only aiohttp,fastapi]``
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tornado.websocket

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_server import _apps

from pywebio_nb.platform.tornado import ServerHandle

StartFn = Callable[[Callable[[], Any]], ServerHandle]


# ------------------------------------------------------------------ WebSocket client
async def _ws_connect(server: ServerHandle) -> tornado.websocket.WebSocketClientConnection:
    return await tornado.websocket.websocket_connect(
        f"ws://127.0.0.1:{server.port}/?session=NEW", max_message_size=1 << 30
    )


async def ws_throughput(server: ServerHandle, count: int) -> tuple[float, int, int]:
    """(seconds from connect to the last text, frames, texts) over a WebSocket."""
    conn = await _ws_connect(server)
    start = end = time.perf_counter()
    frames = texts = 0
    while True:
        message = await asyncio.wait_for(conn.read_message(), 60)
        if message is None:
            break
        if isinstance(message, bytes):
            continue
        frames += 1
        batch = json.loads(message)
        texts += sum(1 for c in batch if c["command"] == "output")
        if texts >= count and end == start:
            end = time.perf_counter()
        if any(c["command"] == "close_session" for c in batch):
            break
    conn.close()
    return end - start, frames, texts


async def ws_round_trips(server: ServerHandle, count: int) -> list[float]:
    """Seconds from sending from_submit to receiving the next input_group."""
    conn = await _ws_connect(server)
    samples: list[float] = []
    sent_at: float | None = None
    while True:
        message = await asyncio.wait_for(conn.read_message(), 60)
        if message is None:
            break
        if isinstance(message, bytes):
            continue
        batch = json.loads(message)
        for command in batch:
            if command["command"] == "input_group":
                if sent_at is not None:
                    samples.append(time.perf_counter() - sent_at)
                event = {
                    "event": "from_submit",
                    "task_id": command["task_id"],
                    "data": {"data": "x"},
                }
                sent_at = time.perf_counter()
                await conn.write_message(json.dumps(event))
        if any(c["command"] == "close_session" for c in batch):
            break
    conn.close()
    return samples


# ------------------------------------------------------------------ HTTP polling client
class _Poller:
    """Speaks HTTP polling as the page does: one poll in flight, events as POST bodies."""

    def __init__(self, server: ServerHandle) -> None:
        import tornado.httpclient

        self.url = f"http://127.0.0.1:{server.port}/"
        self.http = tornado.httpclient.AsyncHTTPClient(force_instance=True)
        self.session = "NEW"
        self.applied = 0

    async def start(self) -> None:
        response = await self.http.fetch(self.url, headers={"webio-session-id": "NEW"})
        self.session = response.headers["webio-session-id"]

    async def poll(self) -> list[dict[str, Any]]:
        import struct

        headers = {"webio-session-id": self.session, "webio-ack": str(self.applied)}
        response = await self.http.fetch(
            self.url, headers=headers, request_timeout=60, raise_error=False
        )
        if response.code == 410:  # the session ended (as the page reads it)
            return [{"command": "close_session", "task_id": None, "spec": None}]
        body, offset, batch = response.body, 0, []
        while offset < len(body):
            kind, length = struct.unpack_from(">BI", body, offset)
            if kind == 0:
                commands = json.loads(body[offset + 5 : offset + 5 + length])
                if commands and commands[0]["command"] == "resync":  # we lagged: a snapshot
                    self.applied = commands[0]["spec"]["seq"]
                else:
                    self.applied += 1
                batch.extend(commands)
            offset += 5 + length
        return batch

    async def post(self, event: dict[str, Any]) -> None:
        await self.http.fetch(
            self.url,
            method="POST",
            body=json.dumps([event]),
            headers={"webio-session-id": self.session, "Content-Type": "application/json"},
        )


async def http_throughput(server: ServerHandle, count: int) -> tuple[float, int, int]:
    """(seconds from the new session to the last text, responses, texts) over HTTP polling."""
    client = _Poller(server)
    start = time.perf_counter()
    await client.start()
    end = start
    responses = texts = 0
    last = str(count - 1)  # the app's texts are 0 .. count-1; a resync may skip some
    while True:
        batch = await client.poll()
        responses += 1
        outputs = [c["spec"].get("content") for c in batch if c["command"] == "output"]
        if last in outputs and end == start:
            end = time.perf_counter()
            texts = count
        if any(c["command"] == "close_session" for c in batch):
            break
    client.http.close()
    return end - start, responses, texts


async def http_round_trips(server: ServerHandle, count: int) -> list[float]:
    """Seconds from posting from_submit to the poll (already in flight) bringing the next form."""
    client = _Poller(server)
    await client.start()
    samples: list[float] = []
    sent_at: float | None = None
    pending = asyncio.ensure_future(client.poll())
    while True:
        batch = await pending
        pending = asyncio.ensure_future(client.poll())  # as the page: always one poll out
        for command in batch:
            if command["command"] == "input_group":
                if sent_at is not None:
                    samples.append(time.perf_counter() - sent_at)
                event = {"event": "from_submit", "task_id": command["task_id"]}
                sent_at = time.perf_counter()
                await client.post({**event, "data": {"data": "x"}})
        if any(c["command"] == "close_session" for c in batch):
            break
    pending.cancel()
    client.http.close()
    return samples


@dataclass
class Client:
    """How to measure a protocol: ``throughput(server, n)`` and ``round_trips(server, n)``."""

    throughput: Callable[[ServerHandle, int], Awaitable[tuple[float, int, int]]]
    round_trips: Callable[[ServerHandle, int], Awaitable[list[float]]]


#: protocol -> how to measure it
CLIENTS: dict[str, Client] = {
    "websocket": Client(ws_throughput, ws_round_trips),
    "http": Client(http_throughput, http_round_trips),
}


# ------------------------------------------------------------------ backends
def _tornado(app: Callable[[], Any]) -> ServerHandle:
    from pywebio_nb.platform.tornado import _start_server_in_thread

    return _start_server_in_thread(app, host="127.0.0.1")


def _aiohttp(app: Callable[[], Any]) -> ServerHandle:
    from pywebio_nb.platform.aiohttp import _start_server_in_thread

    return _start_server_in_thread(app, host="127.0.0.1")


def _fastapi(app: Callable[[], Any]) -> ServerHandle:
    from pywebio_nb.platform.fastapi import _start_server_in_thread

    return _start_server_in_thread(app, host="127.0.0.1")


def _tornado_http(app: Callable[[], Any]) -> ServerHandle:
    from pywebio_nb.platform.tornado_http import _start_server_in_thread

    return _start_server_in_thread(app, host="127.0.0.1")


def _flask(app: Callable[[], Any]) -> ServerHandle:
    from pywebio_nb.platform.flask import _start_server_in_thread

    return _start_server_in_thread(app, host="127.0.0.1")  # type: ignore[return-value]


def _django(app: Callable[[], Any]) -> ServerHandle:
    from pywebio_nb.platform.django import _start_server_in_thread

    return _start_server_in_thread(app, host="127.0.0.1")  # type: ignore[return-value]


@dataclass
class Backend:
    name: str
    protocol: str  # a key of CLIENTS
    requires: str  # the module the backend needs ("" for none beyond pywebio_nb's own)
    start: StartFn


#: The backends, Tornado first (the reference); one row each.
BACKENDS: list[Backend] = [
    Backend("tornado", "websocket", "", _tornado),
    Backend("aiohttp", "websocket", "aiohttp", _aiohttp),
    Backend("fastapi", "websocket", "uvicorn", _fastapi),
    Backend("tornado", "http", "", _tornado_http),  # the reference of the HTTP rows
    Backend("flask", "http", "flask", _flask),
    Backend("django", "http", "django", _django),
]


async def _measure(backend: Backend, texts: int, inputs: int) -> list[tuple[Any, ...]]:
    client = CLIENTS[backend.protocol]
    rows = []
    for kind, apps in _apps(texts, inputs).items():
        server = backend.start(apps["texts"])
        try:
            seconds, frames, received = await client.throughput(server, texts)
        finally:
            server.stop()
        assert received == texts, f"{backend.name}: received {received} of {texts} texts"
        server = backend.start(apps["inputs"])
        try:
            samples = await client.round_trips(server, inputs)
        finally:
            server.stop()
        ms = sorted(s * 1000 for s in samples)
        p90 = ms[max(0, int(len(ms) * 0.9) - 1)]
        rows.append(
            (
                backend.name,
                backend.protocol,
                kind,
                texts / seconds,
                frames,
                statistics.median(ms),
                p90,
            )
        )
    return rows


async def main(texts: int, inputs: int, only: set[str] | None) -> None:
    rows = []
    for backend in BACKENDS:
        if only is not None and backend.name not in only and backend.name != "tornado":
            continue
        if backend.requires and importlib.util.find_spec(backend.requires) is None:
            print(f"{backend.name}: skipped ({backend.requires} is not installed)")
            continue
        rows += await _measure(backend, texts, inputs)
    print(
        f"\n{'backend':<9} {'protocol':<10} {'session':<10} {'texts/s':>9} {'frames':>7} "
        f"{'input med ms':>13} {'input p90 ms':>13}"
    )
    for name, protocol, kind, rate, frames, median, p90 in rows:
        print(
            f"{name:<9} {protocol:<10} {kind:<10} {rate:>9.0f} {frames:>7} "
            f"{median:>13.3f} {p90:>13.3f}"
        )
    print(
        f"\n({texts} put_text calls; {inputs} input() calls; loopback; "
        f"Python {sys.version.split()[0]})"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=20000)
    parser.add_argument("--inputs", type=int, default=200)
    parser.add_argument("--only", default=None, help="comma-separated backend names (+ tornado)")
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None
    asyncio.run(main(args.texts, args.inputs, only))
