"""Every WebSocket server lets a coroutine app answer an input before it reads the next frame.

``WebIOConnection.on_text`` returns an awaitable when the event woke a
coroutine app's pending ``input()``; Tornado, aiohttp and Starlette await it
before they read on. Observable on the wire: the answer and a click travel in
ONE TCP segment (both frames already read by the server); the app's reply to
the answer comes before the click's output. A server that reads the click
without awaiting runs the click's callback first (it runs inside ``on_text``)
and the order flips.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import json
import os
import struct
from collections.abc import Callable
from typing import Any

import pytest
from _adapter_cases import connect
from _wsclient import Client, run, text_of

from pywebio_nb.input import input as ask
from pywebio_nb.output import put_buttons, put_text
from pywebio_nb.platform.tornado import ServerHandle

pytestmark = pytest.mark.server


def _needs(*modules: str) -> pytest.MarkDecorator:
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    return pytest.mark.skipif(bool(missing), reason=f"needs {', '.join(missing)}")


BACKENDS = [
    pytest.param("tornado", id="tornado"),
    pytest.param("aiohttp", marks=_needs("aiohttp"), id="aiohttp"),
    pytest.param("fastapi", marks=_needs("starlette", "uvicorn"), id="starlette"),
]


def _masked_text_frame(text: str) -> bytes:
    """One client->server WebSocket text frame (RFC 6455: clients mask)."""
    payload = text.encode()
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    assert len(payload) < 65536
    if len(payload) < 126:
        header = struct.pack(">BB", 0x81, 0x80 | len(payload))
    else:
        header = struct.pack(">BBH", 0x81, 0x80 | 126, len(payload))
    return header + mask + masked


def _event(event: str, task_id: str, data: Any) -> str:
    return json.dumps({"event": event, "task_id": task_id, "data": data})


async def _send_together(client: Client, *texts: str) -> None:
    """Write several frames in one write: the server reads them all at once."""
    protocol = client.conn.protocol
    assert protocol is not None and protocol.stream is not None
    stream: Any = protocol.stream
    await stream.write(b"".join(_masked_text_frame(t) for t in texts))


@pytest.mark.parametrize("module_name", BACKENDS)
def test_the_answered_coroutine_runs_before_the_next_frame(module_name: str) -> None:
    async def app() -> None:
        put_buttons(["b"], onclick=lambda _: put_text("clicked"))
        name = await ask("name?")
        put_text("answered " + name)
        await ask("again?")

    module = importlib.import_module(f"pywebio_nb.platform.{module_name}")
    start: Callable[..., ServerHandle] = module._start_server_in_thread
    server = start(app)
    try:

        async def body() -> None:
            client = await connect(server)
            buttons = await client.until("output", lambda c: c["spec"]["type"] == "buttons")
            form = await client.until("input_group")
            spec = buttons["spec"]
            click = _event("callback", spec["callback_id"], spec["buttons"][0]["value"])
            field = form["spec"]["inputs"][0]["name"]
            answer = _event("from_submit", form["task_id"], {field: "x"})
            await _send_together(client, answer, click)
            texts: list[str] = []
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 10
            while len(texts) < 2 and loop.time() < deadline:
                command = await client.command()
                text = text_of(command)
                if text is not None:
                    texts.append(text)
            assert texts == ["answered x", "clicked"]

        run(body())
    finally:
        server.stop()
