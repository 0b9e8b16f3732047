"""pywebio_nb.session under a real server: the manual's examples (thread and coroutine
apps) driven by the protocol client, download over binary frames, defer_call on every
close path, unregistered threads, a pending input when the browser goes away."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import pytest
from _wsclient import Client, run

from pywebio_nb.exceptions import SessionClosedException, SessionNotFoundException
from pywebio_nb.input import input as input_
from pywebio_nb.output import put_buttons, put_text
from pywebio_nb.session import defer_call, download, get_current_session, run_async
from tests._session_examples import EXAMPLES, USER_AGENT, Example, make_app

TIMEOUT = 10.0


class _ServerBrowser:
    notebook = False

    def __init__(self, client: Client) -> None:
        self.client = client
        self.seen: set[int] = set()  # ids of commands already returned

    async def wait(
        self, name: str, where: Callable[[dict[str, Any]], bool] | None = None
    ) -> dict[str, Any]:
        for command in self.client.received:  # a command that came while waiting for another
            if id(command) not in self.seen and command["command"] == name:
                if where is None or where(command):
                    self.seen.add(id(command))
                    return command

        def fresh(c: dict[str, Any]) -> bool:
            return id(c) not in self.seen and (where is None or where(c))

        command = await self.client.until(name, fresh)
        self.seen.add(id(command))
        return command

    async def send(self, event: str, task_id: str | None, data: Any) -> None:
        await self.client.send(event, task_id, data)

    def blob(self, blob_id: str) -> bytes:
        return bytes(self.client.blobs[blob_id])


CASES = [
    pytest.param(example, kind, id=f"{example.id}-{kind}")
    for example in EXAMPLES
    for kind in ("thread", "coroutine")
    if kind in example.runs
]


@pytest.mark.parametrize(("example", "kind"), CASES)
def test_manual_session_example(serve: Callable[..., Any], example: Example, kind: str) -> None:
    server = serve(make_app(example, kind))

    async def body() -> None:
        client = await Client.connect(server, headers={"User-Agent": USER_AGENT})
        await example.browser(_ServerBrowser(client))

    run(body())


def test_download_bytes_travel_as_binary_frames(serve: Callable[..., Any]) -> None:
    content = bytes(range(256)) * 12_000  # 3 MB: three chunks of at most 1 MiB

    def app() -> None:
        download("data.bin", content)

    server = serve(app)

    async def body() -> None:
        client = await Client.connect(server)
        command = await client.until("download")
        ref = command["spec"]["content"]
        assert ref["size"] == len(content)
        assert bytes(client.blobs[ref["blob"]]) == content
        assert client.binary_frames == 3
        assert all("base64" not in str(c) and len(str(c)) < 1000 for c in client.received)

    run(body())


# ----------------------------------------------------------- defer_call, close paths


class _Closes:
    """An app that registers two deferred calls; the test closes it one way or another."""

    def __init__(self, kind: str, then: str) -> None:
        self.calls: list[str] = []
        self.done = threading.Event()
        self.kind, self.then = kind, then

    def record(self, what: str) -> None:
        self.calls.append(what)
        if what == "second":
            self.done.set()

    def app(self) -> Any:
        def prepare() -> None:
            defer_call(lambda: self.record("first"))

            @defer_call
            def second() -> None:
                self.record("second")

            put_text("ready")

        if self.kind == "thread":

            def thread_app() -> None:
                prepare()
                if self.then == "wait":
                    input_("never answered")
                elif self.then == "close":
                    get_current_session().close()

            return thread_app

        async def coroutine_app() -> None:
            prepare()
            if self.then == "wait":
                await input_("never answered")
            elif self.then == "close":
                get_current_session().close()

        return coroutine_app


@pytest.mark.parametrize("kind", ["thread", "coroutine"])
@pytest.mark.parametrize("path", ["app returns", "browser closes", "server stops", "close()"])
def test_defer_call_runs_once_in_order_on_every_close_path(
    serve: Callable[..., Any], kind: str, path: str
) -> None:
    then = {"app returns": "return", "close()": "close"}.get(path, "wait")
    closes = _Closes(kind, then)
    server = serve(closes.app())

    async def body() -> None:
        client = await Client.connect(server)
        await client.until("output")
        if path == "browser closes":
            client.close()
        elif path == "server stops":
            server.stop()
        if path in ("app returns", "close()"):
            await client.closed()  # the server ended the session and said so
        assert await asyncio.to_thread(closes.done.wait, TIMEOUT)

    run(body())
    assert closes.calls == ["first", "second"]


@pytest.mark.parametrize("kind", ["thread", "coroutine"])
def test_a_pending_input_raises_session_closed_when_the_browser_goes(
    serve: Callable[..., Any], kind: str
) -> None:
    outcome: list[str] = []
    finished = threading.Event()

    def record(what: str) -> None:
        outcome.append(what)
        finished.set()

    def thread_app() -> None:
        try:
            input_("name")
        except SessionClosedException:
            record("SessionClosedException")

    async def coroutine_app() -> None:
        try:
            await input_("name")
        except SessionClosedException:
            record("SessionClosedException")

    server = serve(thread_app if kind == "thread" else coroutine_app)

    async def body() -> None:
        client = await Client.connect(server)
        await client.until("input_group")
        client.close()
        assert await asyncio.to_thread(finished.wait, TIMEOUT)

    run(body())
    assert outcome == ["SessionClosedException"]


def test_an_unregistered_thread_gets_session_not_found(serve: Callable[..., Any]) -> None:
    def app() -> None:
        caught: list[str] = []

        def worker() -> None:
            try:
                put_text("from an unregistered thread").show()
            except SessionNotFoundException as exc:
                caught.append(type(exc).__name__)

        thread = threading.Thread(target=worker)
        thread.start()
        thread.join(TIMEOUT)
        put_text(f"worker: {caught}")

    server = serve(app)

    async def body() -> None:
        client = await Client.connect(server)
        shown = await client.until("output")
        assert shown["spec"]["content"] == "worker: ['SessionNotFoundException']"

    run(body())


def test_run_async_task_keeps_the_session_and_handler_closes_it(
    serve: Callable[..., Any],
) -> None:
    async def app() -> None:
        stop = asyncio.Event()

        async def ticker() -> None:
            put_text("tick")
            await stop.wait()

        handler = run_async(ticker())

        async def on_click(_: Any) -> None:
            handler.close()
            put_text(f"closed: {handler.closed()}")

        put_buttons(["stop"], onclick=on_click)

    server = serve(app)

    async def body() -> None:
        client = await Client.connect(server)
        buttons = await client.until("output", lambda c: c["spec"].get("type") == "buttons")
        await client.until("output", lambda c: c["spec"].get("content") == "tick")
        await client.send("callback", buttons["spec"]["callback_id"], 0)
        await client.until("output", lambda c: c["spec"].get("content") == "closed: True")

    run(body())
