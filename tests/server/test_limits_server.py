"""Origins, limits, ids and faults, tried as a hostile client would (issue 11).

Real servers on loopback: ``start_server`` (WebSocket, the ``serve`` fixture)
and ``tornado_http`` (HTTP polling, ``serve_http``), driven at the protocol
level, so nothing here relies on the browser's own checks.

- Other origins are refused on both transports; ``allowed_origins`` patterns
  and ``check_origin`` let chosen ones in.
- Messages over ``max_payload_size`` are refused and the server goes on
  serving everyone else.
- ``file_upload()`` limits hold in Python when a client ignores them.
- Session ids and callback ids are long random tokens scoped to their
  session. A session id IS the capability to resume the session: whoever
  presents it gets the session back (that is how reconnect works), a forged
  one gets nothing.
- An app's exception shows on its own page and in the log, and leaves other
  sessions alone; ``defer_call`` runs exactly once on every close path.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
import struct
import threading
from collections.abc import Callable
from typing import Any

import pytest
import tornado.httpclient
import tornado.websocket
from _wsclient import TIMEOUT, Client, run, text_of
from test_tornado_http_server import HttpClient, serve_http  # noqa: F401 - a fixture

from pywebio_nb.input import file_upload, input
from pywebio_nb.output import put_buttons, put_text
from pywebio_nb.platform.tornado import ServerHandle
from pywebio_nb.session import Session, defer_call, get_current_session
from pywebio_nb.session._blobs import UploadError

ServeFn = Callable[..., ServerHandle]

#: What ``secrets.token_urlsafe(16)`` (128 bits) or longer looks like.
TOKEN = re.compile(r"[A-Za-z0-9_-]{22,}")


def _echo_app() -> None:
    put_text(f"got {input('x')}")


async def _resume(server: ServerHandle, session_id: str, applied: int = 0) -> Client:
    """Dial the WebSocket as a page that comes back with ``session_id``."""
    url = f"ws://127.0.0.1:{server.port}/?session={session_id}&ack={applied}"
    conn = await asyncio.wait_for(
        tornado.websocket.websocket_connect(
            tornado.httpclient.HTTPRequest(url), max_message_size=1 << 30
        ),
        TIMEOUT,
    )
    return Client(conn)


def _drop(client: Client) -> None:
    """Tear the TCP connection down without a close frame (a network loss)."""
    client.conn.protocol.stream.close()  # type: ignore[union-attr]


def _texts(commands: list[dict[str, Any]]) -> list[str]:
    return [t for t in (text_of(c) for c in commands) if t is not None]


# ------------------------------------------------------------------------ origins
ORIGINS = [
    pytest.param({}, None, True, id="no-origin-header"),
    pytest.param({}, "http://127.0.0.1:{port}", True, id="same-host"),
    pytest.param({}, "http://evil.example", False, id="other-host"),
    pytest.param({}, "http://127.0.0.1:1", False, id="same-ip-other-port"),
    pytest.param(
        {"allowed_origins": ["https://*.example.com"]},
        "https://app.example.com",
        True,
        id="wildcard-match",
    ),
    pytest.param(
        {"allowed_origins": ["https://*.example.com"]},
        "http://app.example.com",
        False,
        id="wildcard-other-scheme",
    ),
    pytest.param(
        {"allowed_origins": ["https://*.example.com"]},
        "https://example.com.evil.test",
        False,
        id="wildcard-suffix-trick",
    ),
    pytest.param(
        {"check_origin": lambda origin: origin == "http://ok.test"},
        "http://ok.test",
        True,
        id="check_origin-yes",
    ),
    pytest.param(
        {"check_origin": lambda origin: origin == "http://ok.test", "allowed_origins": ["*"]},
        "http://evil.example",
        False,
        id="check_origin-overrides-allowed_origins",
    ),
]


@pytest.mark.parametrize(("kwargs", "origin", "allowed"), ORIGINS)
def test_websocket_origins(
    serve: ServeFn, kwargs: dict[str, Any], origin: str | None, allowed: bool
) -> None:
    server = serve(_echo_app, **kwargs)
    headers = {} if origin is None else {"Origin": origin.format(port=server.port)}

    async def body() -> None:
        if allowed:
            client = await Client.connect(server, headers=headers)
            await client.submit(await client.until("input_group"), "in")
            assert text_of(await client.until("output")) == "got in"
        else:
            with pytest.raises(tornado.httpclient.HTTPClientError) as refused:
                await Client.connect(server, headers=headers)
            assert refused.value.code == 403

    run(body())


@pytest.mark.parametrize(("kwargs", "origin", "allowed"), ORIGINS)
def test_http_polling_origins(
    serve_http: Any, kwargs: dict[str, Any], origin: str | None, allowed: bool
) -> None:
    server = serve_http(_echo_app, **kwargs)
    headers = {} if origin is None else {"Origin": origin.format(port=server.port)}
    # A new session from that origin.
    newcomer = HttpClient(server)
    # A session opened without an Origin, then answered from that origin.
    victim = HttpClient(server)
    try:
        response = newcomer._fetch("GET", None, **headers)
        assert response.code == (200 if allowed else 403)
        assert ("webio-session-id" in response.headers) is allowed
        victim.start()
        form = victim.until("input_group")
        event = {"event": "from_submit", "task_id": form["task_id"], "data": {"data": "origin"}}
        posted = victim._fetch(
            "POST", json.dumps([event]).encode(), **{"Content-Type": "application/json"}, **headers
        )
        assert posted.code == (204 if allowed else 403)
        polled = victim._fetch("GET", None, **headers)
        assert polled.code == (200 if allowed else 403)
        if not allowed:  # nothing reached the app: the form still waits for its answer
            assert victim.submit(form, "mine") == 204
        victim.until("close_session")
        assert _texts(victim.commands) == ["got origin" if allowed else "got mine"]
    finally:
        newcomer.close()
        victim.close()


# ------------------------------------------------------------------ payload limits
def test_a_websocket_message_over_the_limit_is_refused_and_others_go_on(serve: ServeFn) -> None:
    server = serve(_echo_app, max_payload_size="4K")

    async def body() -> None:
        hostile = await Client.connect(server)
        other = await Client.connect(server)
        form = await hostile.until("input_group")
        other_form = await other.until("input_group")
        await hostile.submit(form, "y" * 8192)
        await hostile.closed()
        assert hostile.conn.close_code == 1009  # message too big, not an app that ended
        assert _texts(hostile.received) == []
        await other.submit(other_form, "z" * 3000)
        assert text_of(await other.until("output")) == f"got {'z' * 3000}"
        late = await Client.connect(server)
        await late.submit(await late.until("input_group"), "late")
        assert text_of(await late.until("output")) == "got late"

    run(body())


def test_an_http_body_over_the_limit_is_refused_and_the_session_goes_on(
    serve_http: Any,
) -> None:
    server = serve_http(_echo_app, max_payload_size="4K")
    hostile, other = HttpClient(server), HttpClient(server)
    try:
        hostile.start()
        other.start()
        form = hostile.until("input_group")
        other_form = other.until("input_group")
        big = {"event": "from_submit", "task_id": form["task_id"], "data": {"data": "y" * 8192}}
        posted = hostile._fetch(
            "POST", json.dumps([big]).encode(), **{"Content-Type": "application/json"}
        )
        assert posted.code == 413, posted.code  # Payload Too Large, before the body is read
        assert other.submit(other_form, "z" * 3000) == 204
        other.until("close_session")
        assert _texts(other.commands) == [f"got {'z' * 3000}"]
        # the refused body reached nobody: the same input still takes an answer
        assert hostile.submit(form, "small") == 204
        hostile.until("close_session")
        assert _texts(hostile.commands) == ["got small"]
    finally:
        hostile.close()
        other.close()


# ------------------------------------------------------------------- upload limits
def _upload_frame(form: dict[str, Any], blob: str, offset: int, size: int, chunk: bytes) -> bytes:
    """One binary upload frame as the page builds it: u32 header length | event | bytes."""
    event = {
        "event": "upload_chunk",
        "task_id": form["task_id"],
        "data": {"name": "data", "blob": blob, "offset": offset, "size": size, "buffer": 0},
    }
    header = json.dumps(event).encode()
    return struct.pack(">I", len(header)) + header + chunk


def _file(blob: str) -> dict[str, Any]:
    return {"blob": blob, "filename": f"{blob}.bin", "mime_type": "", "last_modified": 1.0}


#: name -> (file_upload kwargs, frames as (blob, offset, announced size, chunk length),
#: files named in from_submit, the error the form shows)
UPLOAD_CASES = {
    "file-over-max_size": (
        {"max_size": "1K"},
        [("a", 0, 2000, 2000)],
        ["a"],
        UploadError("upload_max_size", ("1K",)),
    ),
    "files-over-max_total_size": (
        {"max_total_size": "2K"},
        [("a", 0, 1500, 1500), ("b", 0, 1500, 1500)],
        ["a", "b"],
        UploadError("upload_max_total_size", ("2K",)),
    ),
    "announces-small-sends-more": (
        {"max_size": "1K"},
        [("a", 0, 100, 2000)],
        ["a"],
        UploadError("upload_malformed"),
    ),
    "more-chunks-than-the-size": (
        {"max_size": "1K"},
        [("a", 0, 1000, 1000), ("a", 1000, 1000, 1000)],
        ["a"],
        UploadError("upload_malformed"),
    ),
    "fewer-bytes-than-the-size": (
        {"max_size": "1K"},
        [("a", 0, 1000, 500)],
        ["a"],
        UploadError("upload_incomplete"),
    ),
}


class _UploadApp:
    def __init__(self, **limits: Any) -> None:
        self.limits = limits
        self.sessions: list[Session] = []

    def __call__(self) -> None:
        self.sessions.append(get_current_session())
        files = file_upload("files", multiple=True, **self.limits)
        put_text(repr(sorted((f["filename"], len(f["content"])) for f in files)))


@pytest.mark.parametrize("case", list(UPLOAD_CASES))
def test_upload_limits_hold_without_the_browser_websocket(serve: ServeFn, case: str) -> None:
    limits, frames, named, error = UPLOAD_CASES[case]
    app = _UploadApp(**limits)
    server = serve(app)

    async def body() -> None:
        client = await Client.connect(server)
        form = await client.until("input_group")
        for blob, offset, size, length in frames:
            frame = _upload_frame(form, blob, offset, size, b"x" * length)
            await client.conn.write_message(frame, binary=True)
        await client.send("from_submit", form["task_id"], {"data": [_file(b) for b in named]})
        update = await client.until("update_input")
        assert update["spec"]["attributes"]["invalid_feedback"] == error.message
        assert app.sessions[0].uploads.pending_bytes() == 0  # nothing refused is kept
        # the same file_upload() keeps waiting and takes a valid answer
        await client.conn.write_message(_upload_frame(form, "ok", 0, 10, b"o" * 10), binary=True)
        await client.send("from_submit", form["task_id"], {"data": [_file("ok")]})
        assert text_of(await client.until("output")) == "[('ok.bin', 10)]"

    run(body())


@pytest.mark.parametrize("case", list(UPLOAD_CASES))
def test_upload_limits_hold_without_the_browser_http(serve_http: Any, case: str) -> None:
    limits, frames, named, error = UPLOAD_CASES[case]
    app = _UploadApp(**limits)
    server = serve_http(app)
    client = HttpClient(server)
    binary = {"Content-Type": "application/octet-stream"}
    try:
        client.start()
        form = client.until("input_group")
        for blob, offset, size, length in frames:
            frame = _upload_frame(form, blob, offset, size, b"x" * length)
            assert client._fetch("POST", frame, **binary).code == 204
        files = [_file(b) for b in named]
        client.send({"event": "from_submit", "task_id": form["task_id"], "data": {"data": files}})
        update = client.until("update_input")
        assert update["spec"]["attributes"]["invalid_feedback"] == error.message
        assert app.sessions[0].uploads.pending_bytes() == 0
        assert (
            client._fetch("POST", _upload_frame(form, "ok", 0, 10, b"o" * 10), **binary).code == 204
        )
        client.send(
            {"event": "from_submit", "task_id": form["task_id"], "data": {"data": [_file("ok")]}}
        )
        client.until("close_session")
        assert _texts(client.commands) == ["[('ok.bin', 10)]"]
    finally:
        client.close()


# ---------------------------------------------------------------------------- ids
def test_session_ids_are_long_random_tokens(serve: ServeFn, serve_http: Any) -> None:
    ws_server, http_server = serve(_echo_app), serve_http(_echo_app)

    async def ws_ids() -> list[str]:
        clients = [await Client.connect(ws_server) for _ in range(5)]
        return [(await c.until("set_session_id"))["spec"] for c in clients]

    ids = run(ws_ids())
    for _ in range(5):
        client = HttpClient(http_server)
        try:
            client.start()
            ids.append(client.session_id)
        finally:
            client.close()
    assert all(TOKEN.fullmatch(i) for i in ids), ids
    assert len(set(ids)) == len(ids)


def _buttons_app(tag: str, clicks: list[str]) -> Callable[[], None]:
    def clicked(_: Any) -> None:
        clicks.append(tag)
        put_text(f"{tag} clicked")

    def app() -> None:
        put_buttons(["b"], onclick=clicked)
        input("keeps the session open")

    return app


async def _callback_id(client: Client) -> str:
    buttons = await client.until("output", lambda c: c["spec"].get("type") == "buttons")
    callback_id = buttons["spec"]["callback_id"]
    assert isinstance(callback_id, str)
    return callback_id


def test_callback_ids_are_long_random_tokens(serve: ServeFn) -> None:
    clicks: list[str] = []
    server = serve(_buttons_app("x", clicks))

    async def body() -> list[str]:
        clients = [await Client.connect(server) for _ in range(5)]
        return [await _callback_id(c) for c in clients]

    ids = run(body())
    assert len(set(ids)) == len(ids)
    assert all(TOKEN.fullmatch(i) for i in ids), ids


def test_callback_ids_differ_between_sessions_of_one_app(serve: ServeFn) -> None:
    server = serve(_buttons_app("x", []))

    async def body() -> list[str]:
        clients = [await Client.connect(server) for _ in range(5)]
        return [await _callback_id(c) for c in clients]

    ids = run(body())
    assert len(set(ids)) == len(ids), ids


def test_a_callback_id_of_another_session_does_nothing(serve: ServeFn) -> None:
    clicks: list[str] = []
    server = serve({"a": _buttons_app("A", clicks), "b": _buttons_app("B", clicks)})

    async def body() -> None:
        a = await Client.connect(server, "app=a")
        b = await Client.connect(server, "app=b")
        a_id, b_id = await _callback_id(a), await _callback_id(b)
        await b.send("callback", a_id, 0)  # A's button, clicked from B's page
        await b.send("callback", b_id, 0)
        assert text_of(await b.until("output", lambda c: text_of(c) is not None)) == "B clicked"
        await a.send("callback", a_id, 0)
        assert text_of(await a.until("output", lambda c: text_of(c) is not None)) == "A clicked"
        assert _texts(a.received) == ["A clicked"]
        assert _texts(b.received) == ["B clicked"]

    run(body())
    assert sorted(clicks) == ["A", "B"]


def test_the_session_id_is_the_capability_to_resume_it_websocket(serve: ServeFn) -> None:
    """Whoever presents a live session's id gets that session, from any page: the id
    is the capability (the server sends it in ``set_session_id``; the page puts it in
    its reconnect URL), so it must stay secret. A forged id gets close code 4404."""
    server = serve(_echo_app, reconnect_timeout=30)

    async def body() -> None:
        a = await Client.connect(server)
        session_id = (await a.until("set_session_id"))["spec"]
        form = await a.until("input_group")
        _drop(a)
        forged = await _resume(server, secrets.token_urlsafe(16))
        assert await forged.frame() is None
        assert forged.conn.close_code == 4404
        assert forged.received == []
        other_page = await _resume(server, session_id)  # B's page, A's id
        batch = await other_page.frame()
        assert batch is not None and any(c["command"] == "input_group" for c in batch)
        await other_page.submit(form, "via the id")
        assert text_of(await other_page.until("output")) == "got via the id"

    run(body())


def test_the_session_id_is_the_capability_to_resume_it_http(serve_http: Any) -> None:
    server = serve_http(_echo_app)
    a, other_page, forged = HttpClient(server), HttpClient(server), HttpClient(server)
    try:
        a.start()
        form = a.until("input_group")
        forged.session_id = secrets.token_urlsafe(16)
        assert forged.poll() == [] and forged.status == 410
        assert forged.submit(form, "forged") == 410
        other_page.session_id = a.session_id
        assert any(c["command"] == "input_group" for c in other_page.poll())
        assert other_page.submit(form, "via the id") == 204
        other_page.until("close_session")
        assert _texts(other_page.commands) == ["got via the id"]
    finally:
        for client in (a, other_page, forged):
            client.close()


# -------------------------------------------------------------------------- faults
def _crashing(kind: str) -> Any:
    def thread_app() -> None:
        put_text("before")
        raise ValueError("boom in the thread app")

    async def coroutine_app() -> None:
        put_text("before")
        raise ValueError("boom in the coroutine app")

    return thread_app if kind == "thread" else coroutine_app


@pytest.mark.parametrize("kind", ["thread", "coroutine"])
def test_an_app_exception_shows_on_its_page_and_in_the_log_only(
    serve: ServeFn, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    server = serve({"crash": _crashing(kind), "echo": _echo_app})

    async def body() -> None:
        bystander = await Client.connect(server, "app=echo")
        form = await bystander.until("input_group")
        crashed = await Client.connect(server, "app=crash")
        shown = await crashed.until("output", lambda c: "boom" in (text_of(c) or ""))
        assert f"ValueError: boom in the {kind} app" in shown["spec"]["content"]
        assert "Traceback" in shown["spec"]["content"]
        assert "color:#dc3545" in shown["spec"]["style"]  # PyWebIO's red
        await bystander.submit(form, "still here")
        assert text_of(await bystander.until("output")) == "got still here"
        assert not any("boom" in t for t in _texts(bystander.received))

    with caplog.at_level(logging.ERROR, logger="pywebio_nb"):
        run(body())
    logged = [r for r in caplog.records if f"boom in the {kind} app" in r.getMessage()]
    assert len(logged) == 1, [r.getMessage() for r in caplog.records]
    assert logged[0].levelno == logging.ERROR


class _Deferred:
    """An app whose ``defer_call`` function counts its calls."""

    def __init__(self, kind: str, then: str) -> None:
        self.kind, self.then = kind, then
        self.calls = 0
        self.done = threading.Event()
        self.sessions: list[Session] = []

    def record(self) -> None:
        self.calls += 1
        self.done.set()

    def app(self) -> Any:
        def prepare() -> None:
            self.sessions.append(get_current_session())
            defer_call(self.record)
            put_text("ready")

        def thread_app() -> None:
            prepare()
            if self.then == "wait":
                input("never answered")

        async def coroutine_app() -> None:
            prepare()
            if self.then == "wait":
                await input("never answered")

        return thread_app if self.kind == "thread" else coroutine_app

    def settled_calls(self) -> int:
        """The count once any deferred-call thread has ended (a second run would be there)."""
        for session in self.sessions:
            thread = getattr(session, "deferred_thread", None)
            if thread is not None:
                thread.join(TIMEOUT)
        return self.calls


CLOSE_PATHS = {
    # name -> (transport, server kwargs, how the app goes on)
    "ws: app returns": ("ws", {}, "return"),
    "ws: page closes": ("ws", {}, "wait"),
    "ws: server stops": ("ws", {}, "wait"),
    "ws: expires after a drop": ("ws", {"reconnect_timeout": 0.2}, "wait"),
    "http: app returns": ("http", {}, "return"),
    "http: server stops": ("http", {}, "wait"),
    "http: session expires": (
        "http",
        {"session_expire_seconds": 0.2, "session_cleanup_interval": 0.1},
        "wait",
    ),
}


@pytest.mark.parametrize("kind", ["thread", "coroutine"])
@pytest.mark.parametrize("path", list(CLOSE_PATHS))
def test_defer_call_runs_exactly_once_on_every_close_path(
    serve: ServeFn, serve_http: Any, path: str, kind: str
) -> None:
    transport, kwargs, then = CLOSE_PATHS[path]
    deferred = _Deferred(kind, then)
    if transport == "ws":
        server = serve(deferred.app(), **kwargs)

        async def body() -> None:
            client = await Client.connect(server)
            await client.until("output")
            if path == "ws: page closes":
                client.close()
            elif path == "ws: server stops":
                server.stop()
            elif path == "ws: expires after a drop":
                _drop(client)
            else:
                await client.closed()
            assert await asyncio.to_thread(deferred.done.wait, TIMEOUT), path

        run(body())
    else:
        server = serve_http(deferred.app(), **kwargs)
        client = HttpClient(server)
        try:
            client.start()
            client.until("output")
            if path == "http: server stops":
                server.stop()
            assert deferred.done.wait(TIMEOUT), path
        finally:
            client.close()
    server.stop()  # one more close path on top: must not run it again
    assert deferred.settled_calls() == 1
