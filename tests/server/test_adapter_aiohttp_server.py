"""pywebio_nb.platform.aiohttp on a loopback port, driven by the protocol client.

The manual's aiohttp integration example, unchanged except for imports; the
cases every WebSocket adapter passes are in ``test_adapter_websocket_server.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from _adapter_cases import Backend, connect, get
from _wsclient import run, text_of

from pywebio_nb.input import input
from pywebio_nb.output import put_text
from pywebio_nb.platform.aiohttp import _serve_app_in_thread, _start_server_in_thread


@pytest.fixture
def backend() -> Backend:
    return Backend("aiohttp", _start_server_in_thread, _serve_app_in_thread)


# The manual's code (4.7.2, aiohttp) without `web.run_app(app, host='localhost',
# port=80)` (the test serves `app` on a loopback port), plus the route of
# pywebio_nb's frontend files (the manual's pages load them from a CDN).
MANUAL = """
from aiohttp import web
from pywebio_nb.platform.aiohttp import webio_handler, static_routes

app = web.Application()
# `task_func` is PyWebIO task function
app.add_routes([web.get('/tool', webio_handler(task_func))])
app.add_routes(static_routes())
"""


def test_the_manuals_integration_example(backend: Backend) -> None:
    def task_func() -> None:
        put_text("hello from " + input("where?"))

    namespace: dict[str, Any] = {"task_func": task_func}
    exec(MANUAL, namespace)
    server = backend.serve_app(namespace["app"])
    try:
        status, page, _ = get(server, "/tool")
        assert status == 200 and '<script type="module" src="/_pywebio_nb/page.js?v=' in page
        status, script, _ = get(server, "/_pywebio_nb/page.js")
        assert status == 200 and len(script) > 10_000

        async def body() -> None:
            client = await connect(server, path="/tool")
            form = await client.until("input_group")
            await client.submit(form, "aiohttp", form["spec"]["inputs"][0]["name"])
            await client.until("output", lambda c: text_of(c) == "hello from aiohttp")

        run(body())
    finally:
        server.stop()
