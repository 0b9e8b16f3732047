"""``show(app)`` of a Bokeh server app in a Tornado server session (the manual's "Bokeh App").

(The page in Chromium, the slider moving the plot: tests/browser/test_bokeh_app_page.py.)
"""

from __future__ import annotations

import asyncio
import re
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
import tornado.httpclient
import tornado.websocket
from _wsclient import Client, run

from pywebio_nb.charts._bokeh_server import BokehAppUnavailableError, stop_app_servers

pytest.importorskip("bokeh")
#: Every absolute URL in a string.
URL = re.compile(r"""(?:https?|wss?):(?://)?[^\s"'<>]+""")


@pytest.fixture
def serve_app(serve: Any) -> Iterator[Any]:
    """``serve``, the Bokeh servers stopped first (on the loop, while it runs)."""
    yield serve
    stop_app_servers()


def modify_doc(doc: Any) -> None:
    from bokeh.models import Slider

    doc.add_root(Slider(start=0, end=10, value=1, title="x"))


def _app() -> None:
    from bokeh.io import output_notebook, show

    import pywebio_nb  # noqa: F401  (bokeh's hook)
    from pywebio_nb.output import put_text

    output_notebook(notebook_type="pywebio")
    show(modify_doc)
    show(modify_doc)  # the same app: the same Bokeh server
    put_text("done")


def _shown(server: Any, origin: str) -> list[dict[str, Any]]:
    async def body() -> list[dict[str, Any]]:
        client = await Client.connect(server, headers={"Origin": origin})
        specs: list[dict[str, Any]] = []
        while not specs or specs[-1].get("content") != "done":
            specs.append((await client.until("output"))["spec"])
        return specs[:-1]

    result: list[dict[str, Any]] = run(body())
    return result


async def _bokeh_ws(port: int, origin: str) -> tornado.websocket.WebSocketClientConnection:
    """A Bokeh protocol websocket to the app, as BokehJS opens it (a session token)."""
    from bokeh.util.token import generate_jwt_token, generate_session_id

    token = generate_jwt_token(generate_session_id())
    request = tornado.httpclient.HTTPRequest(
        f"ws://127.0.0.1:{port}/ws", headers={"Origin": origin}
    )
    return await asyncio.wait_for(
        tornado.websocket.websocket_connect(request, subprotocols=["bokeh", token]), 30
    )


def test_show_app_serves_the_document_script_and_a_loopback_bokeh_server(serve_app: Any) -> None:
    server = serve_app(_app)
    origin = f"http://127.0.0.1:{server.port}"
    first, second = _shown(server, origin)
    # BokehJS by name (served by the page server), never from a CDN nor the Bokeh server.
    assert sorted(first["libs"]) == ["bokeh", "bokeh-gl", "bokeh-tables", "bokeh-widgets"]
    urls = URL.findall(first["content"])
    assert urls and all(url.startswith("http://127.0.0.1:") for url in urls), urls
    assert "resources=none" in first["content"]
    autoload = next(url for url in urls if "/autoload.js" in url)
    port = int(re.match(r"http://127\.0\.0\.1:(\d+)/", autoload).group(1))  # type: ignore[union-attr]
    assert port != server.port
    assert URL.findall(second["content"])[0].startswith(f"http://127.0.0.1:{port}/")

    with urllib.request.urlopen(
        urllib.request.Request(autoload, headers={"Origin": origin}), timeout=30
    ) as response:
        script = response.read().decode()
    assert response.status == 200
    assert "Bokeh" in script and "cdn.bokeh.org" not in script

    async def websockets() -> None:
        conn = await _bokeh_ws(port, origin)
        ack = await asyncio.wait_for(conn.read_message(), 30)  # Bokeh's ACK, header first
        assert ack is not None and '"msgtype":"ACK"' in str(ack).replace(" ", "")
        conn.close()
        for _ in range(10):  # the rest of the ACK's frames, then the close
            if await asyncio.wait_for(conn.read_message(), 30) is None:
                break
        else:
            raise AssertionError("the Bokeh websocket did not close")
        # Another page's origin may not drive the app.
        with pytest.raises(tornado.httpclient.HTTPClientError) as refused:
            await _bokeh_ws(port, "http://evil.example:80")
        assert refused.value.code == 403

    asyncio.run(websockets())


def _machine_address() -> str | None:
    """This machine's address on its default route (a UDP connect sends nothing)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
        except OSError:  # no route at all: only the loopback exists
            return None
        address: str = probe.getsockname()[0]
    return None if address.startswith("127.") else address


def test_show_app_listens_on_loopback_only(serve_app: Any) -> None:
    import socket

    from pywebio_nb.charts import _bokeh_server

    server = serve_app(_app)
    content = _shown(server, f"http://127.0.0.1:{server.port}")[0]["content"]
    port = int(re.search(r"127\.0\.0\.1:(\d+)/autoload", content).group(1))  # type: ignore[union-attr]
    # The page came in on 127.0.0.1: the Bokeh server listens there and nowhere else.
    running = [s for by_app in _bokeh_server._servers.values() for s in by_app.values()]
    assert [(s.address, s.port) for s in running] == [("127.0.0.1", port)]
    address = _machine_address()
    if address is not None:
        with pytest.raises(OSError):
            socket.create_connection((address, port), timeout=5).close()


def test_show_app_outside_a_tornado_session_says_it_is_tornado_only() -> None:
    from bokeh.io import output_notebook, show

    import pywebio_nb  # noqa: F401  (bokeh's hook)

    output_notebook(notebook_type="pywebio")
    with pytest.raises(BokehAppUnavailableError, match="only available in the default Tornado"):
        show(modify_doc)


def test_show_app_in_a_session_of_another_transport_says_it_is_tornado_only() -> None:
    from bokeh.io import output_notebook, show

    import pywebio_nb  # noqa: F401  (bokeh's hook)
    from pywebio_nb.session._base import Session
    from pywebio_nb.session._context import session_var
    from pywebio_nb.session._memory import MemoryTransport

    session = Session(MemoryTransport())  # a notebook kernel's or an HTTP adapter's alike
    token = session_var.set(session)
    try:
        output_notebook(notebook_type="pywebio")
        with pytest.raises(BokehAppUnavailableError, match="in a Session"):
            show(modify_doc)
    finally:
        session_var.reset(token)
