"""The cases every WebSocket framework adapter must pass (aiohttp, FastAPI/Starlette).

Each case runs once per backend (the ``backend`` fixture): it starts that
framework's server on a loopback port and drives it with the protocol client,
as the Tornado server tests do: input round trips, callbacks and output,
binary frames both ways, the page and its frontend files, origin refusal, the
payload limit, reconnect (``?session=&ack=``), supersede, clean close vs drop,
and ``session.info``. The manual's integration examples of each framework are
in ``test_adapter_aiohttp_server.py`` and ``test_adapter_fastapi_server.py``.
"""

from __future__ import annotations

import asyncio
import gzip
import importlib
import importlib.util
import json
import threading
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import tornado.httpclient
from _adapter_cases import Backend, connect, get
from _wsclient import TIMEOUT, Client, run, text_of
from test_upload_server import entry, send_file

from pywebio_nb.input import file_upload, input
from pywebio_nb.output import put_buttons, put_image, put_text
from pywebio_nb.platform.tornado import ServerHandle
from pywebio_nb.session import defer_call, info


def _needs(*modules: str) -> pytest.MarkDecorator:
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    return pytest.mark.skipif(bool(missing), reason=f"needs {', '.join(missing)}")


#: module of the adapter, session.info.backend
BACKENDS = [
    pytest.param(("aiohttp", "aiohttp"), marks=_needs("aiohttp"), id="aiohttp"),
    pytest.param(("fastapi", "starlette"), marks=_needs("starlette", "uvicorn"), id="starlette"),
]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Backend:
    module_name, name = request.param
    module = importlib.import_module(f"pywebio_nb.platform.{module_name}")
    return Backend(name, module._start_server_in_thread, module._serve_app_in_thread)


@pytest.fixture
def started(backend: Backend) -> Iterator[Callable[..., ServerHandle]]:
    """``started(applications, **kwargs)`` -> a running server, stopped after the test."""
    handles: list[ServerHandle] = []

    def start(applications: Any, **kwargs: Any) -> ServerHandle:
        handle = backend.start(applications, **kwargs)
        handles.append(handle)
        return handle

    yield start
    for handle in handles:
        handle.stop()


def _drop(client: Client) -> None:
    """Tear the TCP connection down without a close frame (a network loss)."""
    client.conn.protocol.stream.close()  # type: ignore[union-attr]


def _texts(commands: list[dict[str, Any]]) -> list[str]:
    return [t for t in (text_of(c) for c in commands) if t is not None]


def _thread_app() -> None:
    put_text("hello")
    put_buttons(["b"], onclick=lambda _: put_text("clicked"))
    put_text(f"hi {input('Name')}")


async def _coroutine_app() -> None:
    put_text("hello")

    async def clicked(_: Any) -> None:
        put_text("clicked")

    put_buttons(["b"], onclick=clicked)
    put_text(f"hi {await input('Name')}")


@pytest.mark.parametrize("app", [_thread_app, _coroutine_app], ids=["thread", "coroutine"])
def test_input_callback_and_output(started: Any, app: Any) -> None:
    server = started(app)

    async def body() -> None:
        client = await connect(server)
        buttons = await client.until("output", lambda c: c["spec"].get("type") == "buttons")
        form = await client.until("input_group")
        await client.send("callback", buttons["spec"]["callback_id"], 0)
        await client.until("output", lambda c: text_of(c) == "clicked")
        await client.submit(form, "Ada", form["spec"]["inputs"][0]["name"])
        await client.until("output", lambda c: text_of(c) == "hi Ada")
        # The app returned and a callback keeps it open; the page leaves.
        assert _texts(client.received) == ["hello", "clicked", "hi Ada"]

    run(body())


def test_bytes_travel_as_binary_frames_both_ways(started: Any) -> None:
    image = bytes(range(256)) * 40

    def app() -> None:
        put_image(image)
        f = file_upload("Upload")
        put_text(f"{f['filename']} {len(f['content'])} {f['content'] == image}")

    server = started(app)

    async def body() -> None:
        client = await connect(server)
        form = await client.until("input_group")
        assert client.binary_frames >= 1
        assert [bytes(b) for b in client.blobs.values()] == [image]
        await send_file(client, form, image, "b1")
        await client.submit(form, [entry("b1", "/tmp/x.bin")])
        await client.until("output", lambda c: text_of(c) == f"x.bin {len(image)} True")

    run(body())


FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def test_session_info(started: Any, backend: Backend) -> None:
    def app() -> None:
        put_text(f"{info.backend} {info.protocol} {info.user_ip} {info.user_language}")
        put_text(f"{info.server_host} {info.origin} {info.user_agent.browser.family}")
        input("keep open")

    server = started(app)

    async def body() -> None:
        origin = f"http://127.0.0.1:{server.port}"
        client = await connect(
            server,
            **{"Accept-Language": "de-CH,de;q=0.9", "Origin": origin, "User-Agent": FIREFOX},
        )
        await client.until("input_group")
        assert _texts(client.received) == [
            f"{backend.name} websocket 127.0.0.1 de-CH",
            f"127.0.0.1:{server.port} {origin} Firefox",
        ]

    run(body())


def test_the_page_and_its_frontend_files(started: Any) -> None:
    def task_1() -> None:
        put_text("task 1")

    def task_2() -> None:
        put_text("task 2")

    server = started([task_1, task_2])
    status, page, headers = get(server, "/?app=task_1")
    assert status == 200 and headers.get("Content-Type", "").startswith("text/html")
    assert 'id="pywebio-nb-root"' in page and "<title>task_1</title>" in page
    assert '<script type="module" src="/_pywebio_nb/page.js?v=' in page
    status, script, _ = get(server, "/_pywebio_nb/page.js")
    assert status == 200 and len(script) > 10_000
    status, index, _ = get(server, "/")  # several apps, no index: links to them
    assert status == 200 and 'href="?app=task_2"' in index
    status, body, _ = get(server, "/?app=nope")
    assert status == 404 and "task_1, task_2" in body

    async def ws() -> None:
        client = await connect(server, "app=task_2&session=NEW")
        await client.until("output", lambda c: text_of(c) == "task 2")

    run(ws())


ORIGINS = [
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
        "https://example.com.evil.test",
        False,
        id="wildcard-suffix-trick",
    ),
    pytest.param(
        {"check_origin": lambda origin: origin == "http://ok.test", "allowed_origins": ["*"]},
        "http://evil.example",
        False,
        id="check_origin-overrides-allowed_origins",
    ),
    pytest.param(
        {"check_origin": lambda origin: origin == "http://ok.test"},
        "http://ok.test",
        True,
        id="check_origin-yes",
    ),
]


@pytest.mark.parametrize(("kwargs", "origin", "allowed"), ORIGINS)
def test_origins(started: Any, kwargs: dict[str, Any], origin: str, allowed: bool) -> None:
    def app() -> None:
        put_text(f"got {input('x')}")

    server = started(app, **kwargs)

    async def body() -> None:
        headers = {"Origin": origin.format(port=server.port)}
        if allowed:
            client = await connect(server, **headers)
            await client.submit(await client.until("input_group"), "in")
            assert text_of(await client.until("output")) == "got in"
        else:
            with pytest.raises(tornado.httpclient.HTTPClientError) as refused:
                await connect(server, **headers)
            assert refused.value.code == 403

    run(body())


def test_a_message_over_the_limit_is_refused_and_others_go_on(started: Any) -> None:
    def app() -> None:
        put_text(f"got {input('x')}")

    server = started(app, max_payload_size="4K")

    async def body() -> None:
        hostile = await connect(server)
        other = await connect(server)
        form = await hostile.until("input_group")
        other_form = await other.until("input_group")
        await hostile.submit(form, "y" * 8192)
        await hostile.closed()
        assert hostile.conn.close_code == 1009  # message too big, not an app that ended
        assert _texts(hostile.received) == []
        await other.submit(other_form, "z" * 3000)
        assert text_of(await other.until("output")) == f"got {'z' * 3000}"

    run(body())


def test_a_dropped_page_resumes_its_session(started: Any) -> None:
    answers: list[str] = []

    def app() -> None:
        put_text("before")
        answers.append(input("Name"))
        put_text(f"hello {answers[-1]}")

    server = started(app, reconnect_timeout=30)

    async def body() -> None:
        first = await connect(server)
        session_id = (await first.until("set_session_id"))["spec"]
        form = await first.until("input_group")
        applied = first.frames
        _drop(first)
        second = await connect(server, f"session={session_id}&ack={applied}")
        await second.submit(form, "Ada", form["spec"]["inputs"][0]["name"])
        await second.until("output", lambda c: text_of(c) == "hello Ada")
        await second.closed()
        # Nothing lost, nothing twice.
        assert _texts(first.received + second.received) == ["before", "hello Ada"]

    run(body())
    assert answers == ["Ada"]


def test_an_unknown_session_is_refused(started: Any) -> None:
    server = started(lambda: input("x"), reconnect_timeout=30)

    async def body() -> None:
        client = await connect(server, "session=forged&ack=0")
        await client.closed()
        assert client.conn.close_code == 4404

    run(body())


def test_a_second_connection_supersedes_the_first(started: Any) -> None:
    answers: list[str] = []

    def app() -> None:
        answers.append(input("Name"))
        put_text("done")

    server = started(app, reconnect_timeout=30)

    async def body() -> None:
        first = await connect(server)
        session_id = (await first.until("set_session_id"))["spec"]
        form = await first.until("input_group")
        second = await connect(server, f"session={session_id}&ack={first.frames}")
        assert await first.frame() is None  # the server closed the old one
        await second.submit(form, "Bo", form["spec"]["inputs"][0]["name"])
        await second.until("output", lambda c: text_of(c) == "done")

    run(body())
    assert answers == ["Bo"]


@pytest.mark.parametrize("code", [1001, None], ids=["going-away", "no-status"])
def test_a_clean_close_ends_the_session_at_once(started: Any, code: int | None) -> None:
    """A page that leaves sends a close frame: its session ends now, not after 30 s."""
    deferred = threading.Event()

    def app() -> None:
        defer_call(deferred.set)
        input("Name")

    server = started(app, reconnect_timeout=30)

    async def body() -> None:
        client = await connect(server)
        await client.until("input_group")
        await client.conn.write_message(json.dumps({"noise": 1}))
        client.conn.close(code)
        await asyncio.get_running_loop().run_in_executor(None, deferred.wait, TIMEOUT)

    run(body())
    assert deferred.is_set()


def test_frontend_files_are_compressed_and_versioned_urls_cached(started: Any) -> None:
    server = started(lambda: None)
    base = f"http://127.0.0.1:{server.port}/_pywebio_nb/page.js"
    raw = get(server, "/_pywebio_nb/page.js")[1].encode()
    request = urllib.request.Request(base + "?v=123", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert response.headers["Cache-Control"] == "public, max-age=31536000"
        assert "javascript" in response.headers["Content-Type"]
        body = response.read()
    assert gzip.decompress(body) == raw and len(body) < len(raw) / 2
    with urllib.request.urlopen(base, timeout=TIMEOUT) as response:  # not versioned
        assert "max-age" not in (response.headers["Cache-Control"] or "")
    status, css, headers = get(server, "/_pywebio_nb/themes/dark.css")
    assert status == 200 and "text/css" in headers["Content-Type"] and css


@pytest.mark.parametrize(
    "path",
    [
        "/_pywebio_nb/../platform/aiohttp.py",
        "/_pywebio_nb/..%2Fplatform%2Faiohttp.py",
        "/_pywebio_nb/%2e%2e/platform/aiohttp.py",
        "/_pywebio_nb/chunks/..%2F..%2Fplatform%2Ffastapi.py",
        "/_pywebio_nb/%2Fetc%2Fpasswd",
        "/_pywebio_nb//etc/passwd",
        "/_pywebio_nb/chunks",
        "/_pywebio_nb/nope.js",
    ],
)
def test_frontend_files_stay_in_their_directory(started: Any, path: str) -> None:
    server = started(lambda: None)
    status, body, _ = get(server, path)
    assert status == 404, (status, body[:200])
