"""Benchmark of the Tornado server mode over a real loopback WebSocket.

1. Output throughput: an app runs ``for i in range(N): put_text(i)``; a protocol
   client receives everything. Reports texts/second and the number of frames
   (the session batches many commands into one frame).
2. Input latency: an app calls ``input()`` 200 times; the client answers each
   ``input_group`` at once. Reports the median (and p90) time from sending
   ``from_submit`` to receiving the next ``input_group``.

Both run for a thread-based (``def``) and a coroutine-based (``async def``) app.

Run: ``.venv/bin/python bench/bench_server.py [--texts 20000] [--inputs 200]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

import tornado.websocket

from pywebio_nb.input import input
from pywebio_nb.output import put_text
from pywebio_nb.platform.tornado import _start_server_in_thread


async def _connect(port: int) -> tornado.websocket.WebSocketClientConnection:
    return await tornado.websocket.websocket_connect(
        f"ws://127.0.0.1:{port}/?session=NEW", max_message_size=1 << 30
    )


async def _output_throughput(app: Callable[[], Any], count: int) -> tuple[float, int, int]:
    """(seconds from connect to the last text, frames, texts)."""
    server = _start_server_in_thread(app, host="127.0.0.1")
    try:
        conn = await _connect(server.port)
        start = time.perf_counter()
        frames = texts = 0
        end = start
        while True:
            message = await asyncio.wait_for(conn.read_message(), 60)
            if message is None:
                break
            frames += 1
            batch = json.loads(message)
            texts += sum(1 for c in batch if c["command"] == "output")
            if texts >= count:
                end = time.perf_counter()
            if any(c["command"] == "close_session" for c in batch):
                break
        conn.close()
        return end - start, frames, texts
    finally:
        server.stop()


async def _input_latency(app: Callable[[], Any], count: int) -> list[float]:
    """Seconds from sending from_submit to receiving the next input_group."""
    server = _start_server_in_thread(app, host="127.0.0.1")
    try:
        conn = await _connect(server.port)
        samples: list[float] = []
        sent_at: float | None = None
        while True:
            message = await asyncio.wait_for(conn.read_message(), 60)
            if message is None:
                break
            batch = json.loads(message)
            for command in batch:
                if command["command"] == "input_group":
                    now = time.perf_counter()
                    if sent_at is not None:
                        samples.append(now - sent_at)
                    sent_at = time.perf_counter()
                    await conn.write_message(
                        json.dumps(
                            {
                                "event": "from_submit",
                                "task_id": command["task_id"],
                                "data": {"data": "x"},
                            }
                        )
                    )
            if any(c["command"] == "close_session" for c in batch):
                break
        conn.close()
        return samples
    finally:
        server.stop()


def _apps(texts: int, inputs: int) -> dict[str, dict[str, Callable[[], Any]]]:
    def many_texts() -> None:
        for i in range(texts):
            put_text(i)

    async def many_texts_async() -> None:
        for i in range(texts):
            put_text(i)

    def many_inputs() -> None:
        for _ in range(inputs):
            input("x")

    async def many_inputs_async() -> None:
        for _ in range(inputs):
            await input("x")

    return {
        "thread": {"texts": many_texts, "inputs": many_inputs},
        "coroutine": {"texts": many_texts_async, "inputs": many_inputs_async},
    }


async def main(texts: int, inputs: int) -> None:
    rows = []
    for kind, apps in _apps(texts, inputs).items():
        seconds, frames, received = await _output_throughput(apps["texts"], texts)
        assert received == texts, f"received {received} of {texts} texts"
        samples = await _input_latency(apps["inputs"], inputs)
        samples_ms = sorted(s * 1000 for s in samples)
        p90 = samples_ms[int(len(samples_ms) * 0.9) - 1]
        rows.append(
            (kind, texts / seconds, frames, statistics.median(samples_ms), p90, len(samples_ms))
        )
    print(
        f"\n{'session':<10} {'texts/s':>10} {'frames':>7} {'input med ms':>13} "
        f"{'input p90 ms':>13} {'samples':>8}"
    )
    for kind, rate, frames, median, p90, n in rows:
        print(f"{kind:<10} {rate:>10.0f} {frames:>7} {median:>13.3f} {p90:>13.3f} {n:>8}")
    print(f"\n({texts} put_text calls; {inputs} input() calls; loopback WebSocket)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=20000)
    parser.add_argument("--inputs", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(main(args.texts, args.inputs))
