"""Scenarios every HTTP-polling adapter (Flask, Django) must pass, driven like the page.

Each test module starts its framework's server (the manual's integration example,
unchanged except imports, and ``wsgi_app``) and calls these with the URL of the app.
"""

from __future__ import annotations

import asyncio
import json
import os
import pathlib
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import tornado.httpclient
from test_tornado_http_server import HttpClient, _texts

from pywebio_nb.input import NUMBER, input, input_group
from pywebio_nb.output import put_buttons, put_text
from pywebio_nb.session import run_asyncio_coroutine

TIMEOUT = 10.0


class UrlClient(HttpClient):
    """The polling client of the Tornado tests, on any URL."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = tornado.httpclient.HTTPClient()
        self.session_id = "NEW"
        self.applied = 0
        self.commands: list[dict[str, Any]] = []
        self.blobs: dict[str, bytearray] = {}
        self.status = 0


def serve_with_werkzeug(app: Any) -> Iterator[str]:
    """Serve a WSGI ``app`` as Flask's ``app.run`` does (Werkzeug, threaded); yields its URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def fetch(url: str, **kwargs: Any) -> tornado.httpclient.HTTPResponse:
    client = tornado.httpclient.HTTPClient()
    try:
        return client.fetch(url, raise_error=False, request_timeout=TIMEOUT, **kwargs)
    finally:
        client.close()


# ------------------------------------------------------------------ the apps
def task_func() -> None:
    """Input round trip, a callback, output: what every adapter test drives."""
    info = input_group("who", [input("name", name="name"), input("age", name="age", type=NUMBER)])
    put_text(f"hello {info['name']}, {info['age']}")
    put_buttons(["again"], onclick=lambda _: put_text("clicked"))


async def coroutine_task() -> None:
    """The manual's coroutine integration example (4.7.3), plus an input."""
    put_text("Hello ...")
    await run_asyncio_coroutine(asyncio.sleep(0.01))
    put_text("... World!")
    name = await input("name")
    put_text(f"bye {name}")


def upload_back() -> None:
    from pywebio_nb.input import file_upload
    from pywebio_nb.output import put_file

    upload = file_upload("file")
    put_file("back.bin", upload["content"])


def echo() -> None:
    put_text(f"got {input('data')}")


# ------------------------------------------------------------- the scenarios
def _name(form: dict[str, Any]) -> str:
    return str(form["spec"]["inputs"][0]["name"])


def page_and_frontend(app_url: str, static_url: str) -> None:
    """The page says it speaks HTTP, and the frontend it loads is served."""
    page = fetch(app_url)
    assert page.code == 200
    html = page.body.decode()
    assert 'id="pywebio-nb-root" data-transport="http"' in html
    assert "/_pywebio_nb/page.js" in html
    script = fetch(static_url)
    assert script.code == 200, script.code
    assert len(script.body) > 10_000


def round_trip_callback_output(app_url: str) -> None:
    client = UrlClient(app_url)
    try:
        client.start()
        form = client.until("input_group")
        event = {"event": "from_submit", "task_id": form["task_id"]}
        assert client.send({**event, "data": {"name": "ada", "age": 36}}) == 204
        buttons = None
        for _ in range(20):
            found = [
                c
                for c in client.poll()
                if c["command"] == "output" and c["spec"].get("type") == "buttons"
            ]
            if found:
                buttons = found[0]
                break
        assert buttons is not None
        assert "hello ada, 36" in _texts(client.commands)
        callback = {"event": "callback", "task_id": buttons["spec"]["callback_id"], "data": 0}
        assert client.send(callback) == 204
        for _ in range(20):
            if "clicked" in _texts(client.commands):
                break
            client.poll()
        assert _texts(client.commands) == ["hello ada, 36", "clicked"]
    finally:
        client.close()


def coroutine_app(app_url: str) -> None:
    client = UrlClient(app_url)
    try:
        client.start()
        form = client.until("input_group")
        assert client.submit(form, "coro") == 204
        client.until("close_session")
        assert _texts(client.commands) == ["Hello ...", "... World!", "bye coro"]
    finally:
        client.close()


def origin_refused(app_url: str) -> None:
    """A page of another origin can neither start, poll nor post to a session."""
    evil = {"Origin": "http://evil.example"}
    assert fetch(app_url, headers={"webio-session-id": "NEW", **evil}).code == 403
    client = UrlClient(app_url)
    try:
        client.start()
        form = client.until("input_group")
        event = {"event": "from_submit", "task_id": form["task_id"], "data": {_name(form): "evil"}}
        body = json.dumps([event]).encode()
        posted = client._fetch("POST", body, **{"Content-Type": "application/json"}, **evil)
        assert posted.code == 403
        assert client._fetch("GET", None, **evil).code == 403
        assert client.submit(form, "mine") == 204
        client.until("close_session")
        assert _texts(client.commands) == ["got mine"]
    finally:
        client.close()


def payload_limit(app_url: str) -> None:
    """Served with max_payload_size='4K': a bigger body is 413, the session goes on."""
    client = UrlClient(app_url)
    try:
        client.start()
        form = client.until("input_group")
        big = {
            "event": "from_submit",
            "task_id": form["task_id"],
            "data": {_name(form): "y" * 8192},
        }
        body = json.dumps([big]).encode()
        posted = client._fetch("POST", body, **{"Content-Type": "application/json"})
        assert posted.code == 413, posted.code
        assert client.submit(form, "small") == 204
        client.until("close_session")
        assert _texts(client.commands) == ["got small"]
    finally:
        client.close()


def lost_response_asked_again(app_url: str) -> None:
    """The HTTP reconnect: a poll whose response never arrived (the next poll still
    acknowledges the old count) gets the same batches again, and the session goes on."""
    client = UrlClient(app_url)
    try:
        client.start()
        form = client.until("input_group")
        seen = client.applied
        again = client.poll(ack=0)  # as if every response so far was lost
        assert again
        assert [c["command"] for c in again] == [
            c["command"] for c in client.commands[: -len(again)]
        ]
        client.applied = seen
        assert client.submit(form, "late") == 204
        client.until("close_session")
        assert _texts(client.commands) == ["got late"]
    finally:
        client.close()


def upload_round_trip(app_url: str) -> None:
    """A 1.28 MB file up in two binary chunks (octet-stream POSTs) and back as a blob."""
    payload = bytes(range(256)) * 5000
    client = UrlClient(app_url)
    try:
        client.start()
        form = client.until("input_group")
        chunk_size = 1 << 20
        for offset in range(0, len(payload), chunk_size):
            data = {"name": _name(form), "blob": "b1", "offset": offset, "size": len(payload)}
            event = {"event": "upload_chunk", "task_id": form["task_id"], "data": data}
            header = json.dumps({**event, "data": {**data, "buffer": 0}}).encode()
            frame = struct.pack(">I", len(header)) + header + payload[offset : offset + chunk_size]
            posted = client._fetch("POST", frame, **{"Content-Type": "application/octet-stream"})
            assert posted.code == 204, posted.code
        value = [{"blob": "b1", "filename": "x.bin", "mime_type": "", "last_modified": 1.0}]
        assert client.submit(form, value) == 204
        client.until("close_session")
        (output,) = [
            c for c in client.commands if c["command"] == "output" and c["spec"]["type"] == "file"
        ]
        assert bytes(client.blobs[output["spec"]["content"]["blob"]]) == payload
    finally:
        client.close()


def unknown_session_gone(app_url: str) -> None:
    client = UrlClient(app_url)
    try:
        client.session_id = "forged"
        client.poll()
        assert client.status == 410
        assert client.send({"event": "callback", "task_id": "x", "data": 1}) == 410
    finally:
        client.close()


def expiry(app_url: str, deferred: threading.Event) -> None:
    """Served with a tiny session_expire_seconds: an idle session is closed."""
    client = UrlClient(app_url)
    try:
        client.start()
        client.until("input_group")
        assert deferred.wait(TIMEOUT), "the idle session was not closed"
        client.poll()
        assert client.status == 410
    finally:
        client.close()


# ------------------------------------------------------------- start_server
START_SERVER_SCRIPT = """
import sys
from pywebio_nb.input import input
from pywebio_nb.output import put_text
from pywebio_nb.platform.{module} import start_server

def main():
    put_text("got " + input("data"))

start_server(main, port=int(sys.argv[1]), host="127.0.0.1", static_dir=sys.argv[2],
             max_payload_size="4K", session_expire_seconds=30)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def start_server_process(module: str, static_dir: pathlib.Path) -> Iterator[str]:
    """``start_server`` of ``module`` as a user runs it: a process, in the foreground."""
    port = free_port()
    root = pathlib.Path(__file__).parents[2]
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            START_SERVER_SCRIPT.format(module=module),
            str(port),
            str(static_dir),
        ],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while True:  # bounded: until it listens, or it exited, or 20 s
            if process.poll() is not None:
                raise AssertionError(
                    f"start_server exited: {process.stderr.read() if process.stderr else ''}"
                )
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError("start_server did not listen within 20 s") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        process.wait(10)
        if process.stderr is not None:
            process.stderr.close()


def start_server_serves(module: str, tmp_path: pathlib.Path) -> None:
    """The page, the frontend, static_dir, a session, and max_payload_size took effect."""
    (tmp_path / "hello.txt").write_text("static file")
    with start_server_process(module, tmp_path) as url:
        page_and_frontend(url, url + "_pywebio_nb/page.js")
        assert fetch(url + "static/hello.txt").body == b"static file"
        payload_limit(url)
