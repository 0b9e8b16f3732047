"""The manual's deployment examples (tests/_platform_examples.py) on real loopback
servers: ``start_server`` over WebSocket, ``tornado_http.start_server`` over HTTP
polling, and a Tornado Application of the example's own with ``webio_handler``.

Pages are played by protocol clients (:class:`_WsBrowser`, :class:`_HttpBrowser`);
exceptions escaping the examples' threads are recorded through
``threading.excepthook`` so the drives can assert on them.
"""

from __future__ import annotations

import asyncio
import json
import pathlib
import struct
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import tornado.httpclient
import tornado.web
import tornado.websocket
from _wsclient import Client, run

from pywebio_nb.platform import tornado_http
from pywebio_nb.platform._config import _GLOBAL
from pywebio_nb.platform._server import ServerHandle, start_in_thread
from pywebio_nb.platform.path_deploy import _path_deploy_in_thread
from pywebio_nb.platform.tornado import _start_server_in_thread
from tests._platform_examples import EXAMPLES, TIMEOUT, Browser, Example, Recorder, make_namespace


class _Seen:
    """``wait`` over a growing list of received commands: each is returned once."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self._returned: set[int] = set()

    def _take(
        self, name: str, where: Callable[[dict[str, Any]], bool] | None
    ) -> dict[str, Any] | None:
        for command in self.received:
            if id(command) in self._returned or command["command"] != name:
                continue
            if where is None or where(command):
                self._returned.add(id(command))
                return command
        return None


class _WsBrowser(_Seen):
    def __init__(self, client: Client) -> None:
        super().__init__()
        self.client = client
        self.received = client.received  # the client appends every command it reads

    async def wait(
        self, name: str, where: Callable[[dict[str, Any]], bool] | None = None
    ) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + TIMEOUT
        while (found := self._take(name, where)) is None:
            if await self.client.frame(max(0.01, deadline - loop.time())) is None:
                raise ConnectionError(f"the server closed the WebSocket before {name!r}")
        return found

    async def send(self, event: str, task_id: str | None, data: Any) -> None:
        await self.client.send(event, task_id, data)

    async def close(self) -> None:
        await self.client.aclose()


class _HttpBrowser(_Seen):
    """The page's HTTP polling protocol: GET polls (acknowledging by count), POST events."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.http = tornado.httpclient.AsyncHTTPClient(force_instance=True)
        self.session_id = "NEW"
        self.applied = 0
        self.gone = False

    async def _fetch(
        self, method: str, body: bytes | None = None
    ) -> tornado.httpclient.HTTPResponse:
        headers = {"webio-session-id": self.session_id, "webio-ack": str(self.applied)}
        if body is not None:
            headers["Content-Type"] = "application/json"
        return await self.http.fetch(
            self.url,
            method=method,
            body=body,
            headers=headers,
            request_timeout=30,
            raise_error=False,
        )

    async def start(self) -> None:
        response = await self._fetch("GET")
        assert response.code == 200, response.code
        self.session_id = response.headers["webio-session-id"]

    async def _poll(self) -> None:
        response = await self._fetch("GET")
        if response.code == 410:
            self.gone = True
            return
        assert response.code == 200, response.code
        body, offset = response.body, 0
        while offset < len(body):
            kind, length = struct.unpack_from(">BI", body, offset)
            payload = body[offset + 5 : offset + 5 + length]
            offset += 5 + length
            if kind == 0:  # a batch of commands (kind 1 is a blob chunk: none here)
                batch = json.loads(payload)
                self.applied += 1
                self.received.extend(batch)

    async def wait(
        self, name: str, where: Callable[[dict[str, Any]], bool] | None = None
    ) -> dict[str, Any]:
        while (found := self._take(name, where)) is None:
            if self.gone:
                raise ConnectionError(f"the session ended (410) before {name!r}")
            await self._poll()
        return found

    async def send(self, event: str, task_id: str | None, data: Any) -> None:
        body = json.dumps([{"event": event, "task_id": task_id, "data": data}]).encode()
        response = await self._fetch("POST", body)
        assert response.code == 204, response.code

    async def close(self) -> None:
        self.http.close()


class _World:
    def __init__(self, server: ServerHandle, transport: str, base: pathlib.Path) -> None:
        self.server = server
        self.transport = transport
        self.base = base
        self.record = Recorder()
        self.browsers: list[_HttpBrowser] = []

    async def open(self, query: str = "", path: str = "/") -> Browser:
        if self.transport == "http":
            browser = _HttpBrowser(
                f"http://127.0.0.1:{self.server.port}{path}{'?' + query if query else ''}"
            )
            self.browsers.append(browser)
            await browser.start()
            return browser
        url = f"ws://127.0.0.1:{self.server.port}{path}?{query}{'&' if query else ''}session=NEW"
        conn = await asyncio.wait_for(
            tornado.websocket.websocket_connect(tornado.httpclient.HTTPRequest(url)), TIMEOUT
        )
        return _WsBrowser(Client(conn))

    def write(self, path: str, text: str) -> None:
        target = self.base / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)

    async def get(self, target: str) -> tuple[int, str]:
        response = await tornado.httpclient.AsyncHTTPClient().fetch(
            f"http://127.0.0.1:{self.server.port}{target}",
            raise_error=False,
            request_timeout=TIMEOUT,
        )
        return response.code, (response.body or b"").decode("utf-8", "replace")


@pytest.fixture
def excepthook_records() -> Iterator[list[Recorder]]:
    """Exceptions escaping any thread go to the recorder put in the list, as
    ``("uncaught", thread name, exception class name)`` (as PyWebIO, an example's
    thread dies with the exception; the default hook would only print it)."""
    recorders: list[Recorder] = []
    previous = threading.excepthook

    def hook(args: threading.ExceptHookArgs) -> None:
        name = args.thread.name if args.thread is not None else "?"
        for recorder in recorders:
            recorder(("uncaught", name, args.exc_type.__name__))

    threading.excepthook = hook
    try:
        yield recorders
    finally:
        # The examples' own threads end with their session; wait for them so
        # none raises after the hook is gone (pytest would report it elsewhere).
        for thread in threading.enumerate():
            if thread.name in ("registered", "unregistered"):
                thread.join(TIMEOUT)
        threading.excepthook = previous


def _start(example: Example, transport: str, served: Any, base: pathlib.Path) -> ServerHandle:
    if example.server == "path_deploy":
        for path, text in (example.files or {}).items():
            (base / path).parent.mkdir(parents=True, exist_ok=True)
            (base / path).write_text(text)
        return _path_deploy_in_thread(base, host="127.0.0.1")
    if example.server == "application":
        assert isinstance(served, tornado.web.Application)
        return start_in_thread(served, host="127.0.0.1", port=0)
    if transport == "http":
        return tornado_http._start_server_in_thread(served, host="127.0.0.1")
    return _start_server_in_thread(served, host="127.0.0.1")


def _case(example: Example, transport: str) -> Any:
    marks = [] if example.bug is None else [pytest.mark.xfail(strict=True, reason=example.bug)]
    return pytest.param(example, transport, id=f"{example.id}-{transport}", marks=marks)


CASES = [_case(example, transport) for example in EXAMPLES for transport in example.transports]


@pytest.mark.parametrize(("example", "transport"), CASES)
def test_manual_platform_example(
    example: Example,
    transport: str,
    excepthook_records: list[Recorder],
    tmp_path: pathlib.Path,
) -> None:
    previous_config = _GLOBAL.get()  # an example may call config() globally
    server: ServerHandle | None = None
    try:
        record = Recorder()
        excepthook_records.append(record)
        scope = make_namespace(example, record)
        served = None if example.server == "path_deploy" else eval(example.serves, scope)
        server = _start(example, transport, served, tmp_path)
        world = _World(server, transport, tmp_path)
        world.record = record

        async def body() -> None:
            try:
                await example.drive(world)
            finally:
                for browser in world.browsers:
                    browser.http.close()

        run(body())
    finally:
        if server is not None:
            server.stop()
        _GLOBAL.set(previous_config)
