"""start_server over a real loopback socket, driven by a protocol-level WebSocket client."""

from __future__ import annotations

import gzip
import pathlib
import socket
import threading
import urllib.error
import urllib.request
from typing import Any

import pytest
import tornado.httpclient
import tornado.websocket
from _wsclient import Client, run, text_of

from examples.bmi import bmi  # the manual's example, imports changed only
from pywebio_nb.input import input
from pywebio_nb.output import put_buttons, put_text
from pywebio_nb.session import (
    SessionClosedException,
    defer_call,
    info,
    register_thread,
)

STATIC = pathlib.Path(__file__).resolve().parents[2] / "pywebio_nb" / "static"
WAIT = 10.0


def http_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=WAIT) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, dict(exc.headers), exc.read()


# ------------------------------------------------------------------ round trips
def test_bmi_round_trip(serve: Any) -> None:
    server = serve(bmi)

    async def body() -> None:
        client = await Client.connect(server)
        first = await client.command()
        assert first["command"] == "set_session_id"
        assert isinstance(first["spec"], str) and len(first["spec"]) >= 16
        form = await client.until("input_group")
        assert form["spec"]["inputs"][0]["label"] == "Input your height(cm)"
        await client.submit(form, "170")
        form = await client.until("input_group")
        assert form["spec"]["inputs"][0]["label"] == "Input your weight(kg)"
        await client.submit(form, "60")
        text = await client.until("output", lambda c: c["spec"]["type"] == "text")
        assert text_of(text) == "Your BMI: 20.8. Category: Normal"
        await client.until("close_session")
        await client.closed()

    run(body())


def test_coroutine_app(serve: Any) -> None:
    async def hello() -> None:
        name = await input("what's your name?")
        put_text(f"Hello, {name}")

    server = serve(hello)

    async def body() -> None:
        client = await Client.connect(server)
        form = await client.until("input_group")
        await client.submit(form, "Ada")
        text = await client.until("output")
        assert text_of(text) == "Hello, Ada"
        await client.until("close_session")

    run(body())


def test_register_thread_in_a_coroutine_session_raises(serve: Any) -> None:
    """Manual: register_thread() is only for thread-based sessions; a coroutine app
    gets an error instead of a thread that silently writes into its page."""

    async def app() -> None:
        try:
            register_thread(threading.Thread(target=lambda: None))
        except RuntimeError as exc:
            put_text(f"refused {type(exc).__name__}: {exc}")
        else:
            put_text("registered")

    server = serve(app)

    async def body() -> None:
        client = await Client.connect(server)
        text = text_of(await client.until("output")) or ""
        assert text.startswith("refused RuntimeError: "), text
        assert "thread-based" in text

    run(body())


def test_many_outputs_are_batched_into_few_frames(serve: Any) -> None:
    def many() -> None:
        for i in range(1000):
            put_text(i)

    server = serve(many)

    async def body() -> None:
        client = await Client.connect(server)
        await client.until("close_session")
        texts = [text_of(c) for c in client.received if c["command"] == "output"]
        assert texts == [str(i) for i in range(1000)]
        assert client.frames < 100, f"1000 put_text calls took {client.frames} frames"

    run(body())


# ------------------------------------------------------------------ app selection
def _named(text: str) -> Any:
    def app() -> None:
        put_text(text)

    app.__name__ = text
    return app


@pytest.mark.parametrize(
    ("applications", "query", "expected"),
    [
        ([_named("foo"), _named("bar")], "app=bar", "bar"),
        ([_named("foo"), _named("index")], "", "index"),
        ({"index": _named("home"), "other": _named("x")}, "app=other", "x"),
        ({"index": _named("home"), "other": _named("x")}, "", "home"),
        ({"only": _named("solo")}, "", "solo"),
        (_named("single"), "", "single"),
    ],
)
def test_app_selection(serve: Any, applications: Any, query: str, expected: str) -> None:
    server = serve(applications)

    async def body() -> None:
        client = await Client.connect(server, query)
        assert text_of(await client.until("output")) == expected

    run(body())


def test_unknown_app_is_404(serve: Any) -> None:
    server = serve({"index": _named("home"), "tool": _named("tool")})
    status, _, content = http_get(server.url + "?app=nope")
    assert status == 404
    assert b"'nope'" in content and b"index, tool" in content

    async def body() -> None:
        with pytest.raises(tornado.httpclient.HTTPClientError) as info_:
            await Client.connect(server, "app=nope")
        assert info_.value.code == 404

    run(body())


def test_index_lists_apps_when_there_is_no_index(serve: Any) -> None:
    server = serve([_named("alpha"), _named("beta")])
    status, _, content = http_get(server.url)
    assert status == 200
    assert b'href="?app=alpha"' in content and b'href="?app=beta"' in content

    async def body() -> None:  # the socket of the default index outputs the same links
        client = await Client.connect(server)
        output = await client.until("output")
        assert output["spec"]["type"] == "html" and "?app=beta" in output["spec"]["content"]

    run(body())


# ------------------------------------------------------------------ robustness
def test_bad_frames_are_ignored(serve: Any) -> None:
    def echo() -> None:
        put_text("got " + input("x"))

    server = serve(echo)

    async def body() -> None:
        client = await Client.connect(server)
        form = await client.until("input_group")
        await client.conn.write_message("{not json")
        await client.conn.write_message('"a string"')
        await client.send("bogus_event", form["task_id"], {})
        await client.send("from_submit", "no-such-task", {"data": "lost"})
        await client.send("callback", "no-such-callback", 0)
        await client.submit(form, "ok")
        assert text_of(await client.until("output")) == "got ok"

    run(body())


def test_closing_the_socket_ends_a_pending_input(serve: Any) -> None:
    raised = threading.Event()
    deferred = threading.Event()

    def app() -> None:
        defer_call(deferred.set)
        try:
            input("never answered")
        except SessionClosedException:
            raised.set()
            raise

    server = serve(app)

    async def body() -> None:
        client = await Client.connect(server)
        await client.until("input_group")
        client.close()

    run(body())
    assert raised.wait(WAIT), "input() did not raise SessionClosedException"
    assert deferred.wait(WAIT), "defer_call function did not run"


def test_closing_the_socket_ends_a_pending_coroutine_input(serve: Any) -> None:
    raised = threading.Event()

    async def app() -> None:
        try:
            await input("never answered")
        except SessionClosedException:
            raised.set()
            raise

    server = serve(app)

    async def body() -> None:
        client = await Client.connect(server)
        await client.until("input_group")
        client.close()

    run(body())
    assert raised.wait(WAIT), "await input() did not raise SessionClosedException"


def test_stopping_the_server_ends_a_pending_input(serve: Any) -> None:
    raised = threading.Event()

    def app() -> None:
        try:
            input("never answered")
        except SessionClosedException:
            raised.set()

    server = serve(app)

    async def body() -> None:
        client = await Client.connect(server)
        await client.until("input_group")

    run(body())
    server.stop()
    assert raised.wait(WAIT)


def test_button_callback_runs_and_keeps_the_session_open(serve: Any) -> None:
    def app() -> None:
        put_buttons(["A", "B"], onclick=lambda value: put_text(f"clicked {value}"))

    server = serve(app)

    async def body() -> None:
        client = await Client.connect(server)
        buttons = await client.until("output", lambda c: c["spec"]["type"] == "buttons")
        callback_id = buttons["spec"]["callback_id"]
        await client.send("callback", callback_id, 1)
        text = await client.until("output", lambda c: c["spec"]["type"] == "text")
        assert text_of(text) == "clicked B"
        await client.send("callback", callback_id, 0)
        text = await client.until("output", lambda c: c["spec"]["type"] == "text")
        assert text_of(text) == "clicked A"
        assert all(c["command"] != "close_session" for c in client.received)

    run(body())


def _length_app() -> None:
    put_text(f"got {len(input('x'))}")


def test_large_messages_are_refused(serve: Any) -> None:
    server = serve(_length_app, max_payload_size="1K")

    async def body() -> None:
        client = await Client.connect(server)
        form = await client.until("input_group")
        await client.submit(form, "y" * 4096)
        await client.closed()
        # 1009 "message too big" (RFC 6455): refused by the size limit, not an app
        # that accepted the value and ended.
        assert client.conn.close_code == 1009, (client.conn.close_code, client.received)
        assert [c for c in client.received if c["command"] == "output"] == []

    run(body())


def test_messages_under_the_limit_are_accepted(serve: Any) -> None:
    server = serve(_length_app, max_payload_size="1K")

    async def body() -> None:
        client = await Client.connect(server)
        form = await client.until("input_group")
        await client.submit(form, "y" * 512)
        assert text_of(await client.until("output")) == "got 512"

    run(body())


def test_websocket_sockets_use_tcp_nodelay(serve: Any) -> None:
    """Small frames (a click's answer) must leave at once: the server side of every
    session's socket has TCP_NODELAY set. Checked on the real accepted socket, which
    Tornado's ``log_function`` hook hands over when the handshake is answered."""
    accepted: list[socket.socket] = []

    def log_function(handler: Any) -> None:
        stream = getattr(handler.request.connection, "stream", None)
        if stream is not None and handler.get_status() == 101:
            accepted.append(stream.socket)

    def app() -> None:
        put_text("ok")
        input("keeps the session, and so its socket, open")

    server = serve(app, log_function=log_function)

    async def body() -> None:
        clients = [await Client.connect(server) for _ in range(2)]
        for client in clients:
            # the session is running: its socket is in the state frames are sent with
            assert text_of(await client.until("output")) == "ok"
            await client.until("input_group")
        assert len(accepted) == 2
        for sock in accepted:
            assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0, sock
            local_port = sock.getsockname()[1]
            assert local_port == server.port  # the server's end, not the client's
        for client in clients:
            client.close()

    run(body())


# ------------------------------------------------------------------ origin and info
@pytest.mark.parametrize(
    ("kwargs", "origin", "allowed"),
    [
        ({}, "http://127.0.0.1:{port}", True),
        ({}, "http://evil.example", False),
        ({"allowed_origins": ["https://*.example.com"]}, "https://app.example.com", True),
        ({"allowed_origins": ["https://*.example.com"]}, "http://app.example.com", False),
        (
            {"check_origin": lambda origin: origin.endswith(".test"), "allowed_origins": ["*"]},
            "http://evil.example",
            False,
        ),
        ({"check_origin": lambda origin: origin.endswith(".test")}, "http://a.test", True),
    ],
)
def test_origin_check(serve: Any, kwargs: dict[str, Any], origin: str, allowed: bool) -> None:
    server = serve(_named("ok"), **kwargs)

    async def body() -> None:
        headers = {"Origin": origin.format(port=server.port)}
        if allowed:
            client = await Client.connect(server, headers=headers)
            assert text_of(await client.until("output")) == "ok"
        else:
            with pytest.raises(tornado.httpclient.HTTPClientError) as exc:
                await Client.connect(server, headers=headers)
            assert exc.value.code == 403

    run(body())


def test_session_info(serve: Any) -> None:
    def app() -> None:
        put_text(
            f"{info.backend} {info.protocol} {info.user_language} {info.user_ip} "
            f"{info.user_agent.browser.family} {info.server_host} {info.origin} "
            f"{info.request.path}"
        )

    server = serve(app)
    chrome = (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Safari/537.36"
    )

    async def body() -> None:
        client = await Client.connect(
            server,
            headers={
                "User-Agent": chrome,
                "Accept-Language": "fr-CH, fr;q=0.9, en;q=0.8",
                "Origin": f"http://127.0.0.1:{server.port}",
            },
        )
        assert text_of(await client.until("output")) == (
            f"tornado websocket fr-CH 127.0.0.1 Chrome 127.0.0.1:{server.port} "
            f"http://127.0.0.1:{server.port} /"
        )

    run(body())


# ------------------------------------------------------------------ page and static files
def test_page_references_the_local_bundle(serve: Any) -> None:
    def app() -> None:
        """My tool

        What it does.
        """

    server = serve(app)
    status, headers, content = http_get(server.url)
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    page = content.decode()
    assert '<div id="pywebio-nb-root">' in page
    assert 'src="/_pywebio_nb/page.js' in page
    assert "<title>My tool</title>" in page
    assert "cdn" not in page.lower() and "https://" not in page


def test_static_bundle_is_served_compressed_and_cacheable(serve: Any) -> None:
    if not (STATIC / "page.js").exists():
        pytest.skip(
            "pywebio_nb/static/page.js is not built yet: cd js && npm install && npm run build"
        )
    server = serve(_named("x"))
    _, _, page = http_get(server.url)
    src = page.decode().split('src="', 1)[1].split('"', 1)[0]
    assert "?v=" in src, "the page should use a versioned (cacheable) URL"
    status, headers, content = http_get(server.url.rstrip("/") + src, {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers.get("Content-Encoding") == "gzip"
    assert "max-age" in headers.get("Cache-Control", "")
    assert gzip.decompress(content) == (STATIC / "page.js").read_bytes()


def test_static_dir_is_served(serve: Any, tmp_path: pathlib.Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "b.txt").write_text("hello static")
    server = serve(_named("x"), static_dir=str(tmp_path))
    status, _, content = http_get(server.url + "static/a/b.txt")
    assert (status, content) == (200, b"hello static")


def test_webio_handler_embeds_in_a_user_app() -> None:

    import tornado.httpserver
    import tornado.netutil
    import tornado.web

    from pywebio_nb.platform import static_route, webio_handler

    async def body() -> None:
        application = tornado.web.Application(
            [(r"/tool", webio_handler(_named("embedded"))), static_route()], compress_response=True
        )
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
        server = tornado.httpserver.HTTPServer(application)
        server.add_sockets(sockets)
        port = sockets[0].getsockname()[1]
        try:
            http = tornado.httpclient.AsyncHTTPClient()
            page = (await http.fetch(f"http://127.0.0.1:{port}/tool")).body.decode()
            src = page.split('src="', 1)[1].split('"', 1)[0]
            assert src.startswith("/_pywebio_nb/page.js")
            if (STATIC / "page.js").exists():
                script = await http.fetch(f"http://127.0.0.1:{port}{src}")
                assert script.code == 200
            conn = await tornado.websocket.websocket_connect(
                f"ws://127.0.0.1:{port}/tool?session=NEW"
            )
            client = Client(conn)
            assert text_of(await client.until("output")) == "embedded"
            await client.until("close_session")
            conn.close()
        finally:
            server.stop()
            await server.close_all_connections()

    run(body())
