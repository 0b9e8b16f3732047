"""Reconnect over a real WebSocket: a dropped page resumes its session, losing nothing.

The client drops its TCP connection without a close frame (what a network
loss looks like to the server), then dials ``?session=<id>&ack=<batches
applied>`` as the page does.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from typing import Any

import pytest
import tornado.httpclient
import tornado.websocket
from _wsclient import TIMEOUT, Client, run, text_of

from pywebio_nb.exceptions import SessionClosedException
from pywebio_nb.input import input
from pywebio_nb.output import put_text
from pywebio_nb.platform.tornado import ServerHandle
from pywebio_nb.session import defer_call

ServeFn = Callable[..., ServerHandle]


async def _resume(server: ServerHandle, session_id: str, applied: int) -> Client:
    url = f"ws://127.0.0.1:{server.port}/?session={session_id}&ack={applied}"
    conn = await asyncio.wait_for(
        tornado.websocket.websocket_connect(
            tornado.httpclient.HTTPRequest(url), max_message_size=1 << 30
        ),
        TIMEOUT,
    )
    return Client(conn)


def _drop(client: Client) -> None:
    """Tear the TCP connection down without a WebSocket close frame."""
    stream = client.conn.protocol.stream  # type: ignore[union-attr]
    stream.close()


async def _session_id(client: Client) -> str:
    command = await client.until("set_session_id")
    session_id = command["spec"]
    assert isinstance(session_id, str)
    return session_id


async def _ack(client: Client) -> None:
    await client.send("ack", None, {"seq": client.frames})


def _texts(commands: list[dict[str, Any]]) -> list[str]:
    return [t for t in (text_of(c) for c in commands) if t is not None]


def test_a_pending_input_is_answerable_after_the_socket_drops(serve: ServeFn) -> None:
    answers: list[str] = []

    def app() -> None:
        put_text("before")
        answers.append(input("Name"))
        put_text(f"hello {answers[-1]}")

    server = serve(app, reconnect_timeout=30)

    async def body() -> None:
        first = await Client.connect(server)
        session_id = await _session_id(first)
        form = await first.until("input_group")
        applied = first.frames
        _drop(first)
        second = await _resume(server, session_id, applied)
        # Nothing was missed: the form is still the one to answer.
        await second.submit(form, "Ada", form["spec"]["inputs"][0]["name"])
        hello = await second.until("output", lambda c: text_of(c) == "hello Ada")
        assert hello
        await second.closed()
        assert _texts(first.received + second.received) == ["before", "hello Ada"]

    run(body())
    assert answers == ["Ada"]


@pytest.mark.parametrize("gap", ["replay", "resync"])
def test_fifty_thousand_texts_in_flight_arrive_once_each(serve: ServeFn, gap: str) -> None:
    """Dropped mid-output (the page acknowledging as it goes, as the real one does).

    replay: the page comes back while the app is still writing; the batches it
    missed are still kept and are replayed, then the rest follows.
    resync: the app writes all 50,000 texts while the page is away, more than
    the replay log keeps; the page gets one resync batch rebuilt from the page
    model. Either way: every text exactly once, in order.
    """
    count = 50_000
    release = threading.Event()
    waiting = threading.Event()

    def app() -> None:
        for i in range(count):
            put_text(str(i))
            if i == 2_000:
                release.wait(TIMEOUT)  # the drop happens while output is in flight
        waiting.set()
        input("keep the session open")

    server = serve(app, reconnect_timeout=30)

    async def body() -> None:
        first = await Client.connect(server)
        session_id = await _session_id(first)
        while len(_texts(first.received)) < 1_000:
            await first.frame()
            await _ack(first)
        applied = first.frames
        _drop(first)
        if gap == "resync":
            release.set()
            await asyncio.get_running_loop().run_in_executor(None, waiting.wait, 30)
        second = await _resume(server, session_id, applied)
        release.set()
        await second.until("input_group", timeout=30)
        later = second.received
        resyncs = [i for i, c in enumerate(later) if c["command"] == "resync"]
        if gap == "replay":
            assert resyncs == []
            shown = _texts(first.received) + _texts(later)
        else:
            assert resyncs == [0]
            shown = _texts(later)  # the page starts again from the snapshot
        assert shown == [str(i) for i in range(count)]

    run(body())


def test_the_session_ends_when_the_page_does_not_come_back(serve: ServeFn) -> None:
    outcome: list[str] = []
    deferred = threading.Event()

    def app() -> None:
        defer_call(deferred.set)
        try:
            input("Name")
        except SessionClosedException:
            outcome.append("closed")

    server = serve(app, reconnect_timeout=0.3)

    async def body() -> str:
        first = await Client.connect(server)
        session_id = await _session_id(first)
        await first.until("input_group")
        _drop(first)
        await asyncio.get_running_loop().run_in_executor(None, deferred.wait, TIMEOUT)
        assert deferred.is_set(), "defer_call did not run after reconnect_timeout"
        late = await _resume(server, session_id, first.frames)
        assert await late.frame() is None
        return str(late.conn.close_code)

    assert run(body()) == "4404"
    assert outcome == ["closed"]


@pytest.mark.parametrize("reconnect_timeout", [0, 600])
def test_a_page_that_closes_ends_its_session_at_once(
    serve: ServeFn, reconnect_timeout: float
) -> None:
    deferred = threading.Event()

    def app() -> None:
        defer_call(deferred.set)
        input("Name")

    server = serve(app, reconnect_timeout=reconnect_timeout)

    async def body() -> None:
        client = await Client.connect(server)
        await client.until("input_group")
        await client.conn.write_message(json.dumps({"noise": 1}))
        client.conn.close(1001)  # the tab closed
        await asyncio.get_running_loop().run_in_executor(None, deferred.wait, TIMEOUT)

    run(body())
    assert deferred.is_set()


def test_without_reconnect_a_drop_ends_the_session(serve: ServeFn) -> None:
    deferred = threading.Event()

    def app() -> None:
        defer_call(deferred.set)
        input("Name")

    server = serve(app, reconnect_timeout=0)

    async def body() -> str:
        client = await Client.connect(server)
        session_id = await _session_id(client)
        await client.until("input_group")
        _drop(client)
        await asyncio.get_running_loop().run_in_executor(None, deferred.wait, TIMEOUT)
        late = await _resume(server, session_id, client.frames)
        assert await late.frame() is None
        return str(late.conn.close_code)

    assert run(body()) == "4404"
    assert deferred.is_set()


def test_an_unknown_session_is_refused(serve: ServeFn) -> None:
    server = serve(lambda: input("x"))

    async def body() -> int | None:
        client = await _resume(server, "no-such-session", 3)
        assert await client.frame() is None
        return client.conn.close_code

    assert run(body()) == 4404


def test_a_second_connection_supersedes_the_first(serve: ServeFn) -> None:
    """The page dials again before the server noticed the old socket died."""
    answers: list[str] = []

    def app() -> None:
        answers.append(input("Name"))
        put_text("done")

    server = serve(app, reconnect_timeout=30)

    async def body() -> None:
        first = await Client.connect(server)
        session_id = await _session_id(first)
        form = await first.until("input_group")
        second = await _resume(server, session_id, first.frames)
        assert await first.frame() is None  # the server closed the old one
        await second.submit(form, "Bo", form["spec"]["inputs"][0]["name"])
        await second.until("output", lambda c: text_of(c) == "done")

    run(body())
    assert answers == ["Bo"]


@pytest.mark.parametrize("ack", ["-1", "abc", "999999"])
def test_a_nonsense_count_gets_a_resync(serve: ServeFn, ack: str) -> None:
    def app() -> None:
        put_text("one")
        input("Name")

    server = serve(app, reconnect_timeout=30)

    async def body() -> None:
        first = await Client.connect(server)
        session_id = await _session_id(first)
        await first.until("input_group")
        _drop(first)
        url = f"ws://127.0.0.1:{server.port}/?session={session_id}&ack={ack}"
        conn = await tornado.websocket.websocket_connect(url)
        second = Client(conn)
        batch = await second.frame()
        assert batch is not None and batch[0]["command"] == "resync"
        assert _texts(batch) == ["one"]
        assert [c["command"] for c in batch].count("input_group") == 1

    run(body())
