"""examples/bokeh_app.py in Chromium: a Bokeh server app in the page, driven over its websocket.

Every HTTP request the page makes is intercepted: one to anything but the
loopback fails the test (BokehJS must come from the page server's libraries).
"""

from __future__ import annotations

import importlib.util
import math
import pathlib
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from pywebio_nb.platform.tornado import ServerHandle

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"
LOOPBACK = ("127.0.0.1", "localhost")

if importlib.util.find_spec("bokeh") is None:
    pytest.fail("bokeh is missing: pip install -r requirements/dev.txt ('pywebio_nb[charts]')")

#: The y of the curve's second point, read from the page's Bokeh document.
Y1 = """() => {
  const doc = window.Bokeh && window.Bokeh.documents[0];
  const curve = doc && doc.get_model_by_name("curve");
  return curve ? curve.data.y[1] : null;
}"""


def _main() -> Any:
    sys.path.insert(0, str(EXAMPLES))
    try:
        import bokeh_app
    finally:
        sys.path.remove(str(EXAMPLES))
    return bokeh_app.main


@pytest.fixture
def app_server(serve: Any) -> Iterator[ServerHandle]:
    from pywebio_nb.charts._bokeh_server import stop_app_servers

    yield serve(_main())
    stop_app_servers()  # on the server loop, before ``serve`` stops it


def test_slider_moves_the_plot_through_the_bokeh_server(
    page: Any, app_server: ServerHandle
) -> None:
    refused: list[str] = []

    def route(route: Any) -> None:
        url = route.request.url
        if url.startswith(("blob:", "data:")) or urlsplit(url).hostname in LOOPBACK:
            route.continue_()
        else:
            refused.append(url)
            route.abort()

    page.route("**/*", route)
    sockets: list[Any] = []
    page.on("websocket", lambda ws: sockets.append(ws))
    page.goto(app_server.url)

    page.locator(".noUi-handle").first.wait_for(timeout=20_000)  # Bokeh's slider, drawn
    page.locator("canvas").first.wait_for(state="attached", timeout=20_000)
    before = page.evaluate(Y1)
    assert before is not None
    bokeh_ws = [ws for ws in sockets if urlsplit(ws.url).path == "/ws"]
    assert len(bokeh_ws) == 1 and urlsplit(bokeh_ws[0].url).hostname == "127.0.0.1"
    received: list[Any] = []
    bokeh_ws[0].on("framereceived", lambda frame: received.append(frame))

    page.locator(".noUi-handle").first.focus()
    page.keyboard.press("ArrowRight")  # frequency 1 -> 2: only Python recomputes y
    page.wait_for_function(f"({Y1})() !== {before!r}", timeout=20_000)
    assert received, "the new curve did not come over the Bokeh server's websocket"
    assert abs(page.evaluate(Y1) - math.sin(2 * 0.05)) < 1e-9
    assert not refused, refused
    assert not page.page_errors, page.page_errors
    assert all(urlsplit(ws.url).hostname in LOOPBACK for ws in sockets)
