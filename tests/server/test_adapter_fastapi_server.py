"""pywebio_nb.platform.fastapi (Starlette on uvicorn) on a loopback port.

The manual's FastAPI and Starlette integration examples and its ``asgi_app``
example, unchanged except for imports, and ``python -m
pywebio_nb.platform.fastapi`` as a process; the cases every WebSocket adapter
passes are in ``test_adapter_websocket_server.py``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from _adapter_cases import Backend, connect, get
from _wsclient import TIMEOUT, run, text_of

from pywebio_nb.input import input
from pywebio_nb.output import put_text
from pywebio_nb.platform.fastapi import _serve_app_in_thread, _start_server_in_thread


@pytest.fixture
def backend() -> Backend:
    return Backend("starlette", _start_server_in_thread, _serve_app_in_thread)


# The manual's code (4.7.2, FastAPI/Starlette; 4.5.2 asgi_app), served with uvicorn
# on a loopback port as `uvicorn <module>:app` would.
FASTAPI = """
from fastapi import FastAPI
from pywebio_nb.platform.fastapi import webio_routes

app = FastAPI()

@app.get("/app")
def read_main():
    return {"message": "Hello World from main app"}

# `task_func` is PyWebIO task function
app.mount("/tool", FastAPI(routes=webio_routes(task_func)))
"""

STARLETTE = """
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route, Mount
from pywebio_nb.platform.fastapi import webio_routes

async def homepage(request):
    return JSONResponse({'hello': 'world'})

app = Starlette(routes=[
    Route('/', homepage),
    Mount('/tool', routes=webio_routes(task_func)) # `task_func` is PyWebIO task_function
])
"""

ASGI_APP = """
from fastapi import FastAPI
from pywebio_nb.platform.fastapi import asgi_app
from pywebio_nb.output import put_text
app = FastAPI()
subapp = asgi_app(lambda: put_text("hello from pywebio"))
app.mount("/pywebio", subapp)
"""


def _task_func() -> None:
    put_text("hello from " + input("where?"))


@pytest.mark.parametrize(
    ("code", "own_path", "own_body", "mount"),
    [
        (FASTAPI, "/app", '{"message":"Hello World from main app"}', "/tool"),
        (STARLETTE, "/", '{"hello":"world"}', "/tool"),
        (ASGI_APP, None, None, "/pywebio"),
    ],
    ids=["fastapi", "starlette", "asgi_app"],
)
def test_the_manuals_integration_examples(
    backend: Backend, code: str, own_path: str | None, own_body: str | None, mount: str
) -> None:
    namespace: dict[str, Any] = {"task_func": _task_func}
    exec(code, namespace)
    server = backend.serve_app(namespace["app"])
    try:
        if own_path is not None:  # the project's own route still works
            assert get(server, own_path)[:2] == (200, own_body)
        status, page, _ = get(server, mount)  # redirected to mount + "/"
        assert status == 200 and 'id="pywebio-nb-root"' in page
        # The frontend files are served below the mount point.
        match = re.search(r'src="([^"]*/page\.js)\?v=', page)
        assert match is not None and match.group(1) == f"{mount}/_pywebio_nb/page.js"
        status, script, _ = get(server, match.group(1))
        assert status == 200 and len(script) > 10_000

        async def body() -> None:
            client = await connect(server, path=mount + "/")
            if code is ASGI_APP:
                await client.until("output", lambda c: text_of(c) == "hello from pywebio")
                return
            form = await client.until("input_group")
            await client.submit(form, "starlette", form["spec"]["inputs"][0]["name"])
            await client.until("output", lambda c: text_of(c) == "hello from starlette")

        run(body())
    finally:
        server.stop()


def test_python_m_serves_an_app_function(tmp_path: Path) -> None:
    """The one-process command a load balancer runs several of (deploy recipes)."""
    (tmp_path / "greeter.py").write_text(
        textwrap.dedent(
            """
            from pywebio_nb.input import input
            from pywebio_nb.output import put_text

            def main():
                put_text("hi " + input("who?"))
            """
        )
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pywebio_nb.platform.fastapi", "greeter:main", "--port", "0"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # bounded: the process prints it or exits
        match = re.match(r"Serving on http://127\.0\.0\.1:(\d+)/", line)
        assert match is not None, f"unexpected first line {line!r}"

        class Port:
            port = int(match.group(1))

        async def body() -> None:
            client = await connect(Port)  # type: ignore[arg-type]
            form = await client.until("input_group")
            await client.submit(form, "you", form["spec"]["inputs"][0]["name"])
            await client.until("output", lambda c: text_of(c) == "hi you")

        run(body())
    finally:
        proc.terminate()  # SIGTERM: a clean stop
        assert proc.wait(TIMEOUT) == 0
        assert proc.stdout is not None
        proc.stdout.close()


def test_webio_routes_enforce_the_payload_limit_under_any_asgi_server(backend: Backend) -> None:
    """Mounted in someone else's app, uvicorn's own limit (16 MiB) is not ours: we check."""
    from starlette.applications import Starlette
    from starlette.routing import Mount

    from pywebio_nb.platform.fastapi import webio_routes

    def app() -> None:
        put_text(f"got {input('x')}")

    routes = webio_routes(app, max_payload_size="4K")
    server = backend.serve_app(Starlette(routes=[Mount("/tool", routes=routes)]))
    try:

        async def body() -> None:
            hostile = await connect(server, path="/tool/")
            other = await connect(server, path="/tool/")
            form = await hostile.until("input_group")
            await hostile.conn.write_message(b"\0" * 5000, binary=True)
            await hostile.closed()
            assert hostile.conn.close_code == 1009
            other_form = await other.until("input_group")
            await other.submit(other_form, "z" * 3000)
            assert text_of(await other.until("output")) == f"got {'z' * 3000}"
            assert form["task_id"]

        run(body())
    finally:
        server.stop()
