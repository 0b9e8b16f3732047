"""A closed session is freed at once, by reference counting, not by the cyclic GC.

Each test runs with the cyclic garbage collector off: a session (and its
transport) that some reference cycle keeps alive is never freed then, and the
test fails on its timeout. ``bench/bench_load.py`` prints the same figure for
1,000 sessions ("closed sessions waiting for the gc").
"""

from __future__ import annotations

import asyncio
import gc
import threading
import weakref
from collections.abc import Iterator
from typing import Any

import pytest
from _wsclient import TIMEOUT, Client, run, text_of

from pywebio_nb.output import put_buttons, put_text
from pywebio_nb.session import get_current_session


@pytest.fixture(autouse=True)
def _no_cyclic_gc() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class Freed:
    """Events set when the app's session, and its transport, are freed."""

    def __init__(self) -> None:
        self.session = threading.Event()
        self.transport = threading.Event()

    def watch_current_session(self) -> None:
        session = get_current_session()
        weakref.finalize(session, self.session.set)
        weakref.finalize(session.transport, self.transport.set)

    async def wait(self) -> None:
        loop = asyncio.get_running_loop()
        for event in (self.session, self.transport):
            assert await loop.run_in_executor(None, event.wait, TIMEOUT)


def click_app(freed: Freed, kind: str) -> Any:
    def app() -> None:
        freed.watch_current_session()
        put_buttons(["go"], onclick=lambda value: put_text(f"clicked {value}"))

    async def async_app() -> None:
        app()

    return app if kind == "thread" else async_app


async def click_once(client: Client) -> None:
    buttons = await client.until("output", lambda c: c["spec"].get("type") == "buttons")
    button = buttons["spec"]["buttons"][0]
    await client.send("callback", buttons["spec"]["callback_id"], button["value"])
    await client.until("output", lambda c: text_of(c) == "clicked go")


@pytest.mark.parametrize("kind", ["thread", "coroutine"])
def test_a_session_the_page_closed_is_freed(serve: Any, kind: str) -> None:
    freed = Freed()
    server = serve(click_app(freed, kind))

    async def body() -> None:
        client = await Client.connect(server)
        await click_once(client)
        await client.aclose()
        await freed.wait()

    run(body())


@pytest.mark.parametrize("kind", ["thread", "coroutine"])
def test_a_session_whose_socket_dropped_is_freed(serve: Any, kind: str) -> None:
    freed = Freed()
    server = serve(click_app(freed, kind), reconnect_timeout=0)

    async def body() -> None:
        client = await Client.connect(server)
        await click_once(client)
        protocol = client.conn.protocol
        assert protocol is not None and protocol.stream is not None
        protocol.stream.close()  # no close frame: a drop
        await freed.wait()

    run(body())


@pytest.mark.parametrize("kind", ["thread", "coroutine"])
def test_a_session_whose_app_ended_is_freed(serve: Any, kind: str) -> None:
    freed = Freed()

    def app() -> None:
        freed.watch_current_session()
        put_text("bye")

    async def async_app() -> None:
        app()

    server = serve(app if kind == "thread" else async_app)

    async def body() -> None:
        client = await Client.connect(server)
        await client.until("close_session")
        await freed.wait()

    run(body())
