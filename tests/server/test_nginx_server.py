"""deploy/nginx/pywebio_nb.conf on loopback: two backend processes behind nginx, sticky.

nginx (Debian's; ``make nginx`` installs it) runs the shipped recipe with only its
addresses changed, from a temporary directory (no root paths). The backends are two
processes, Tornado and uvicorn/ASGI (``_nginx_backend.py``), each serving one app over
WebSocket (``/ws/``) and HTTP polling (``/http/``). 200 sessions run at once through
nginx, half over each protocol, each as a browser would: load the page (nginx sets
the route cookie), then open the session with the cookie. Each must be served from
start to end by the process its cookie names, and lose nothing.
"""

from __future__ import annotations

import asyncio
import json
import os
import pathlib
import pwd
import re
import shutil
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import tornado.httpclient
import tornado.websocket

RECIPE = pathlib.Path(__file__).parents[2] / "deploy" / "nginx" / "pywebio_nb.conf"
BACKEND = pathlib.Path(__file__).with_name("_nginx_backend.py")
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
SESSIONS = 200
LINES = 20  # as _nginx_backend.LINES
TIMEOUT = 45.0

pytestmark = [
    pytest.mark.skipif(NGINX is None, reason="nginx is not installed (make nginx)"),
    pytest.mark.timeout(120),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_backend(kind: str) -> tuple[subprocess.Popen[str], int]:
    process = subprocess.Popen(
        [sys.executable, str(BACKEND), kind],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=pathlib.Path(__file__).parents[2],
        env={**os.environ, "PYTHONPATH": str(pathlib.Path(__file__).parents[2])},
    )
    assert process.stdout is not None
    line = process.stdout.readline()  # blocks until it listens (or exits: "")
    match = re.fullmatch(r"READY (\d+)\n", line)
    assert match, f"backend {kind} did not start: {line!r}"
    return process, int(match.group(1))


def _stop(process: subprocess.Popen[str]) -> None:
    if process.stdin is not None:
        process.stdin.close()  # the backend stops when its stdin closes
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)
    if process.stdout is not None:
        process.stdout.close()


def _render_recipe(port: int, backend_a: int, backend_b: int) -> str:
    """The shipped recipe with only the addresses changed."""
    text = RECIPE.read_text()
    text = text.replace("127.0.0.1:8081", f"127.0.0.1:{backend_a}")
    text = text.replace(r"127\.0\.0\.1:8081", rf"127\.0\.0\.1:{backend_a}")
    text = text.replace("127.0.0.1:8082", f"127.0.0.1:{backend_b}")
    text = text.replace(r"127\.0\.0\.1:8082", rf"127\.0\.0\.1:{backend_b}")
    text = text.replace("listen 127.0.0.1:8080;", f"listen 127.0.0.1:{port};")
    directives = "\n".join(line.split("#")[0] for line in text.splitlines())
    assert not re.search(r"808[012]", directives), "an address of the recipe was left"
    return text


def _nginx_conf(tmp: pathlib.Path, recipe: str) -> str:
    user = pwd.getpwuid(os.getuid()).pw_name
    (tmp / "pywebio_nb.conf").write_text(recipe)
    temp_paths = "\n".join(
        f"    {name}_temp_path {tmp / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # `user`: workers run as this user (as root, nginx would switch to nobody, who
    # cannot enter pytest's private temporary directory).
    return f"""
{"user " + user + ";" if os.getuid() == 0 else ""}
worker_processes 1;
daemon off;
pid {tmp / "nginx.pid"};
error_log {tmp / "error.log"} warn;
events {{ worker_connections 2048; }}
http {{
    access_log off;
{temp_paths}
    include {tmp / "pywebio_nb.conf"};
}}
"""


@contextmanager
def _cluster(tmp: pathlib.Path) -> Iterator[dict[str, Any]]:
    """nginx running the recipe in front of a Tornado and an ASGI backend process."""
    backends: list[subprocess.Popen[str]] = []
    nginx: subprocess.Popen[str] | None = None
    try:
        tornado_process, tornado_port = _start_backend("tornado")
        backends.append(tornado_process)
        asgi_process, asgi_port = _start_backend("asgi")
        backends.append(asgi_process)
        port = _free_port()
        (tmp / "nginx.conf").write_text(
            _nginx_conf(tmp, _render_recipe(port, tornado_port, asgi_port))
        )
        # -p/-e/-c: prefix, early error log and configuration all in the temporary dir.
        command = [NGINX or "nginx", "-p", str(tmp), "-e", str(tmp / "error.log")]
        command += ["-c", str(tmp / "nginx.conf")]
        check = subprocess.run([*command, "-t"], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        nginx = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
        _wait_listening(port, nginx)
        yield {
            "port": port,
            "routes": {"a": ("tornado", tornado_process.pid), "b": ("asgi", asgi_process.pid)},
            "processes": {"a": tornado_process, "b": asgi_process},
        }
    finally:
        if nginx is not None:
            nginx.terminate()  # SIGTERM: fast shutdown
            nginx.wait(10)
            if nginx.stderr is not None:
                nginx.stderr.close()
        for process in backends:
            _stop(process)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with _cluster(tmp_path_factory.mktemp("nginx")) as running:
        yield running


def _wait_listening(port: int, nginx: subprocess.Popen[str]) -> None:
    """Until nginx accepts connections (bounded: 10 s), or fail with its error output."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if nginx.poll() is not None:
            raise AssertionError(f"nginx exited: {nginx.stderr.read() if nginx.stderr else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)  # nginx binds within milliseconds; a bounded retry
    raise AssertionError("nginx did not listen within 10 s")


# ------------------------------------------------------------------ the clients
def _route(response: tornado.httpclient.HTTPResponse) -> str:
    cookie = response.headers.get("Set-Cookie", "")
    match = re.match(r"pywebio_route=(\w+);", cookie)
    assert match, f"the page's response set no route cookie: {cookie!r}"
    return match.group(1)


def _texts(commands: list[dict[str, Any]]) -> list[str]:
    return [c["spec"]["content"] for c in commands if c["command"] == "output"]


def _expected(value: str) -> list[str]:
    return [f"echo {value}"] + [f"line {i}" for i in range(LINES)]


async def _load_page(http: tornado.httpclient.AsyncHTTPClient, url: str) -> str:
    """A first visit: the page, and the route cookie nginx sets with it."""
    return _route(await http.fetch(url, request_timeout=TIMEOUT))


async def _websocket_session(
    http: tornado.httpclient.AsyncHTTPClient, port: int, n: int, route: str
) -> tuple[str, list[str]]:
    request = tornado.httpclient.HTTPRequest(
        f"ws://127.0.0.1:{port}/ws/?session=NEW",
        headers={"Cookie": f"pywebio_route={route}"},
        request_timeout=TIMEOUT,
    )
    conn = await tornado.websocket.websocket_connect(request)
    commands: list[dict[str, Any]] = []
    try:
        while True:
            message = await asyncio.wait_for(conn.read_message(), TIMEOUT)
            assert isinstance(message, str), f"session {n}: the socket closed early"
            batch = json.loads(message)
            commands.extend(batch)
            for command in batch:
                if command["command"] == "input_group":
                    name = command["spec"]["inputs"][0]["name"]
                    event = {"event": "from_submit", "task_id": command["task_id"]}
                    await conn.write_message(json.dumps({**event, "data": {name: f"ws{n}"}}))
            if any(c["command"] == "close_session" for c in batch):
                break
    finally:
        conn.close()
    return route, _texts(commands)


async def _http_session(
    http: tornado.httpclient.AsyncHTTPClient, port: int, n: int, route: str
) -> tuple[str, list[str]]:
    url = f"http://127.0.0.1:{port}/http/"
    headers = {"Cookie": f"pywebio_route={route}", "webio-session-id": "NEW"}
    started = await http.fetch(url, headers=headers, request_timeout=TIMEOUT)
    headers["webio-session-id"] = started.headers["webio-session-id"]
    applied = 0
    commands: list[dict[str, Any]] = []
    for _ in range(50):  # bounded: the session needs a handful of polls
        response = await http.fetch(
            url, headers={**headers, "webio-ack": str(applied)}, request_timeout=TIMEOUT
        )
        body, offset, batch = response.body, 0, []
        while offset < len(body):
            kind, length = struct.unpack_from(">BI", body, offset)
            assert kind == 0, "no blobs in this app"
            batch.extend(json.loads(body[offset + 5 : offset + 5 + length]))
            offset += 5 + length
            applied += 1
        commands.extend(batch)
        for command in batch:
            if command["command"] == "input_group":
                name = command["spec"]["inputs"][0]["name"]
                event = {"event": "from_submit", "task_id": command["task_id"]}
                posted = await http.fetch(
                    url,
                    method="POST",
                    body=json.dumps([{**event, "data": {name: f"http{n}"}}]),
                    headers={**headers, "Content-Type": "application/json"},
                    request_timeout=TIMEOUT,
                )
                assert posted.code == 204
        if any(c["command"] == "close_session" for c in batch):
            break
    return route, _texts(commands)


def _is_ws(n: int) -> bool:
    return n % 4 >= 2


def _protocol(n: int) -> str:
    return "ws" if _is_ws(n) else "http"


def test_200_concurrent_sessions_stay_on_their_process(cluster: dict[str, Any]) -> None:
    port = cluster["port"]

    async def body() -> list[tuple[str, str, list[str]]]:
        http = tornado.httpclient.AsyncHTTPClient(force_instance=True, max_clients=SESSIONS * 2)
        try:
            # The first page loads one after the other, in pairs of each protocol:
            # nginx's round robin then gives both processes sessions of both.
            routes = [
                await _load_page(http, f"http://127.0.0.1:{port}/{_protocol(n)}/")
                for n in range(SESSIONS)
            ]
            # Then every session at once.
            results = await asyncio.gather(
                *(
                    (_websocket_session if _is_ws(n) else _http_session)(http, port, n, routes[n])
                    for n in range(SESSIONS)
                )
            )
        finally:
            http.close()
        return [(_protocol(n), *result) for n, result in enumerate(results)]

    started = time.monotonic()
    results = asyncio.run(body())
    elapsed = time.monotonic() - started
    print(f"\n{SESSIONS} sessions through nginx in {elapsed:.1f} s")
    served: dict[str, int] = {}
    for n, (protocol, route, texts) in enumerate(results):
        name, pid = cluster["routes"][route]
        # Served by the process its cookie names, from the first output to the last.
        assert texts[0] == f"served-by {name} {pid}", (n, protocol, route, texts[:1])
        assert texts[1:] == _expected(f"{protocol}{n}"), (n, protocol, texts)
        served[f"{protocol}/{name}"] = served.get(f"{protocol}/{name}", 0) + 1
    print(f"sessions per protocol/process: {served}")
    # Both processes took sessions of both protocols (nginx balanced the first loads).
    assert set(served) == {"ws/tornado", "ws/asgi", "http/tornado", "http/asgi"}, served


def test_a_restarted_process_ends_its_sessions_and_a_reload_lands_elsewhere(
    tmp_path: pathlib.Path,
) -> None:
    """What docs/deploy.md says happens when the process holding a page's session goes."""

    async def body(running: dict[str, Any]) -> None:
        port = running["port"]
        http = tornado.httpclient.AsyncHTTPClient(force_instance=True)
        try:
            route = await _load_page(http, f"http://127.0.0.1:{port}/ws/")
            cookie = {"Cookie": f"pywebio_route={route}"}
            # A WebSocket session and an HTTP-polling session on that route's process.
            conn = await tornado.websocket.websocket_connect(
                tornado.httpclient.HTTPRequest(
                    f"ws://127.0.0.1:{port}/ws/?session=NEW", headers=cookie
                )
            )
            first = json.loads(await asyncio.wait_for(conn.read_message(), TIMEOUT))
            ws_session = next(c["spec"] for c in first if c["command"] == "set_session_id")
            url = f"http://127.0.0.1:{port}/http/"
            started = await http.fetch(url, headers={**cookie, "webio-session-id": "NEW"})
            http_session = started.headers["webio-session-id"]

            _stop(running["processes"][route])  # the process goes (a restart, a crash)

            assert await asyncio.wait_for(conn.read_message(), TIMEOUT) is None
            conn.close()
            # The page reconnects to its session: nginx falls back to the other
            # process, which does not know it: 4404, "session ended".
            again = await tornado.websocket.websocket_connect(
                tornado.httpclient.HTTPRequest(
                    f"ws://127.0.0.1:{port}/ws/?session={ws_session}&ack=1", headers=cookie
                )
            )
            assert await asyncio.wait_for(again.read_message(), TIMEOUT) is None
            again.close()
            assert again.close_code == 4404
            poll = await http.fetch(
                url,
                headers={**cookie, "webio-session-id": http_session, "webio-ack": "1"},
                raise_error=False,
            )
            assert poll.code == 410
            # A reload: served by the other process, and the cookie now names it.
            reload = await http.fetch(f"http://127.0.0.1:{port}/ws/", headers=cookie)
            assert _route(reload) != route
        finally:
            http.close()

    with _cluster(tmp_path) as running:
        asyncio.run(body(running))
