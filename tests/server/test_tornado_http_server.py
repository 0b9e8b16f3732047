"""pywebio_nb.platform.tornado_http: the HTTP polling protocol on a real loopback server."""

from __future__ import annotations

import json
import struct
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import tornado.httpclient

from examples.bmi import bmi
from pywebio_nb.input import file_upload, input
from pywebio_nb.output import put_file, put_text
from pywebio_nb.platform import tornado_http
from pywebio_nb.platform._server import ServerHandle
from pywebio_nb.session import defer_call, set_env

TIMEOUT = 10.0


@pytest.fixture
def serve_http() -> Iterator[Any]:
    handles: list[ServerHandle] = []

    def start(app: Any, **kwargs: Any) -> ServerHandle:
        handle = tornado_http._start_server_in_thread(app, **kwargs)
        handles.append(handle)
        return handle

    yield start
    for handle in handles:
        handle.stop()


class HttpClient:
    """Speaks the polling protocol as the page does (synchronous, for tests)."""

    def __init__(self, server: ServerHandle, query: str = "") -> None:
        self.url = f"http://127.0.0.1:{server.port}/{'?' + query if query else ''}"
        self.http = tornado.httpclient.HTTPClient()
        self.session_id = "NEW"
        self.applied = 0
        self.commands: list[dict[str, Any]] = []
        self.blobs: dict[str, bytearray] = {}
        self.status = 0

    def close(self) -> None:
        self.http.close()

    def _fetch(self, method: str, body: bytes | None = None, **headers: str) -> Any:
        request = tornado.httpclient.HTTPRequest(
            self.url,
            method=method,
            body=body,
            headers={
                "webio-session-id": self.session_id,
                "webio-ack": str(self.applied),
                **headers,
            },
            request_timeout=30,
        )
        try:
            response = self.http.fetch(request)
        except tornado.httpclient.HTTPClientError as exc:
            assert exc.response is not None
            response = exc.response
        self.status = response.code
        return response

    def start(self) -> None:
        response = self._fetch("GET")
        assert response.code == 200
        self.session_id = response.headers["webio-session-id"]

    def poll(self, ack: int | None = None) -> list[dict[str, Any]]:
        """One poll: the batches' commands (applied and counted), or [] on 410."""
        headers = {} if ack is None else {"webio-ack": str(ack)}
        response = self._fetch("GET", **headers)
        if response.code == 410:
            return []
        assert response.code == 200, response.code
        body, offset, got = response.body, 0, []
        while offset < len(body):
            kind, length = struct.unpack_from(">BI", body, offset)
            payload = body[offset + 5 : offset + 5 + length]
            offset += 5 + length
            if kind == 1:
                (header_len,) = struct.unpack_from(">I", payload)
                spec = json.loads(payload[4 : 4 + header_len])["spec"]
                data = self.blobs.setdefault(spec["id"], bytearray(spec["size"]))
                chunk = payload[4 + header_len :]
                data[spec["offset"] : spec["offset"] + len(chunk)] = chunk
                continue
            assert kind == 0
            batch = json.loads(payload)
            if batch and batch[0]["command"] == "resync":
                self.applied = batch[0]["spec"]["seq"]
            else:
                self.applied += 1
            got.extend(batch)
        self.commands.extend(got)
        return got

    def until(self, name: str, limit: int = 50) -> dict[str, Any]:
        for _ in range(limit):
            for command in self.poll():
                if command["command"] == name:
                    return command
            if self.status == 410:
                break
        raise AssertionError(f"no {name} command arrived")

    def send(self, *events: dict[str, Any]) -> int:
        response = self._fetch(
            "POST", json.dumps(list(events)).encode(), **{"Content-Type": "application/json"}
        )
        return int(response.code)

    def submit(self, form: dict[str, Any], value: Any) -> int:
        name = form["spec"]["inputs"][0]["name"]
        return self.send(
            {"event": "from_submit", "task_id": form["task_id"], "data": {name: value}}
        )


def _texts(commands: list[dict[str, Any]]) -> list[str]:
    return [
        c["spec"]["content"]
        for c in commands
        if c["command"] == "output" and c["spec"].get("type") == "text"
    ]


def test_the_page_says_it_speaks_http(serve_http: Any) -> None:
    server = serve_http(bmi)
    page = tornado.httpclient.HTTPClient()
    try:
        html = page.fetch(server.url).body.decode()
    finally:
        page.close()
    assert 'id="pywebio-nb-root" data-transport="http"' in html
    assert "page.js" in html


def test_bmi_end_to_end(serve_http: Any) -> None:
    server = serve_http(bmi)
    client = HttpClient(server)
    try:
        client.start()
        form = client.until("input_group")
        assert client.submit(form, 170) == 204
        form = client.until("input_group")
        assert client.submit(form, 60) == 204
        client.until("close_session")
        assert "Your BMI: 20.8. Category: Normal" in _texts(client.commands)
        # The session is over: the server forgets it.
        client.poll()
        assert client.status == 410
    finally:
        client.close()


def test_a_lost_response_is_asked_for_again(serve_http: Any) -> None:
    """The page acknowledges by the next poll's count: a response that never arrived
    (the page still says the old count) is sent again, nothing is skipped."""
    gate = threading.Event()

    def app() -> None:
        for i in range(3):
            put_text(f"t{i}")
        gate.wait(TIMEOUT)
        input("more")

    server = serve_http(app)
    client = HttpClient(server)
    try:
        client.start()
        first = client.poll()
        assert _texts(first) == ["t0", "t1", "t2"]
        lost_count = client.applied
        again = client.poll(ack=0)  # as if the first response was lost
        assert _texts(again) == ["t0", "t1", "t2"]
        client.applied = lost_count
        gate.set()
        form = client.until("input_group")
        assert form["spec"]["inputs"][0]["label"] == "more"
        assert _texts(client.commands).count("t0") == 2  # only the deliberate re-ask
    finally:
        client.close()


def test_a_poll_waits_for_output_instead_of_returning_empty(serve_http: Any) -> None:
    proceed = threading.Event()

    def app() -> None:
        put_text("a")
        proceed.wait(TIMEOUT)
        put_text("b")
        input("x")

    server = serve_http(app)
    client = HttpClient(server)
    try:
        client.start()
        assert "a" in _texts(client.poll())
        timer = threading.Timer(0.2, proceed.set)
        timer.start()
        later = client.poll()  # blocks in the server until "b" exists
        timer.join()
        assert "b" in _texts(later)
    finally:
        client.close()


def test_file_upload_and_download_bytes(serve_http: Any) -> None:
    payload = bytes(range(256)) * 5000  # 1.28 MB: two chunks each way

    def app() -> None:
        upload = file_upload("file")
        put_file("back.bin", upload["content"])

    server = serve_http(app)
    client = HttpClient(server)
    try:
        client.start()
        form = client.until("input_group")
        name = form["spec"]["inputs"][0]["name"]
        blob = "b1"
        chunk_size = 1 << 20
        for offset in range(0, len(payload), chunk_size):
            event = {
                "event": "upload_chunk",
                "task_id": form["task_id"],
                "data": {
                    "name": name,
                    "blob": blob,
                    "offset": offset,
                    "size": len(payload),
                    "buffer": 0,
                },
            }
            header = json.dumps(event).encode()
            frame = struct.pack(">I", len(header)) + header + payload[offset : offset + chunk_size]
            response = client._fetch("POST", frame, **{"Content-Type": "application/octet-stream"})
            assert response.code == 204
        value = [{"blob": blob, "filename": "x.bin", "mime_type": "", "last_modified": 1.0}]
        assert client.submit(form, value) == 204
        output = None
        for _ in range(20):
            found = [
                c
                for c in client.poll()
                if c["command"] == "output" and c["spec"].get("type") == "file"
            ]
            if found:
                output = found[0]
                break
        assert output is not None
        blob_id = output["spec"]["content"]["blob"]
        assert bytes(client.blobs[blob_id]) == payload
    finally:
        client.close()


def test_a_session_nobody_polls_expires(serve_http: Any) -> None:
    deferred = threading.Event()

    def app() -> None:
        defer_call(deferred.set)
        input("x")

    server = serve_http(app, session_expire_seconds=0.2, session_cleanup_interval=0.1)
    client = HttpClient(server)
    try:
        client.start()
        client.until("input_group")
        assert deferred.wait(TIMEOUT), "the idle session was not closed"
        client.poll()
        assert client.status == 410
    finally:
        client.close()


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"not json", "application/json", 400),
        (b"\x00\x00\x00\x09{not-json", "application/octet-stream", 400),
        (json.dumps([{"event": "nope"}, 5, None]).encode(), "application/json", 204),
    ],
)
def test_bad_event_requests_are_refused_and_lose_nothing(
    serve_http: Any, body: bytes, content_type: str, status: int
) -> None:
    server = serve_http(lambda: input("x"))
    client = HttpClient(server)
    try:
        client.start()
        form = client.until("input_group")
        assert client._fetch("POST", body, **{"Content-Type": content_type}).code == status
        assert client.submit(form, "fine") == 204  # the session goes on
        client.until("close_session")
    finally:
        client.close()


def test_unknown_sessions_get_410(serve_http: Any) -> None:
    server = serve_http(lambda: input("x"))
    client = HttpClient(server)
    try:
        client.session_id = "forged"
        client.poll()
        assert client.status == 410
        assert client.send({"event": "callback", "task_id": "x", "data": 1}) == 410
    finally:
        client.close()


def test_set_env_http_pull_interval_reaches_the_page(serve_http: Any) -> None:
    def app() -> None:
        set_env(http_pull_interval=500)
        input("x")

    server = serve_http(app)
    client = HttpClient(server)
    try:
        client.start()
        client.until("input_group")
        (env,) = [c for c in client.commands if c["command"] == "set_env"]
        assert env["spec"]["http_pull_interval"] == 500
    finally:
        client.close()


def test_a_deeply_nested_body_is_refused_and_the_session_goes_on(serve_http: Any) -> None:
    server = serve_http(lambda: input("x"))
    client = HttpClient(server)
    try:
        client.start()
        form = client.until("input_group")
        deep = ("[" * 5000 + "]" * 5000).encode()
        assert client._fetch("POST", deep, **{"Content-Type": "application/json"}).code == 400
        assert client.submit(form, "fine") == 204
        client.until("close_session")
    finally:
        client.close()
