"""examples/charts.py on the server page in Chromium: every chart library draws, offline.

Every request the page makes is intercepted: one to anything but the loopback
server fails the test (a CDN URL left in a chart's HTML would show here).
"""

from __future__ import annotations

import importlib.util
import pathlib
import sys
from typing import Any
from urllib.parse import urlsplit

import pytest

from pywebio_nb.platform.tornado import ServerHandle

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"

for _package in ("plotly", "bokeh", "pyecharts", "cutecharts"):
    if importlib.util.find_spec(_package) is None:
        pytest.fail(
            f"{_package} is missing: pip install -r requirements/dev.txt ('pywebio_nb[charts]')"
        )


def _charts_app() -> Any:
    sys.path.insert(0, str(EXAMPLES))
    try:
        import charts
    finally:
        sys.path.remove(str(EXAMPLES))
    return charts.main


@pytest.fixture
def charts_server(serve: Any) -> ServerHandle:
    return serve(_charts_app())


def _watch_requests(page: Any) -> tuple[list[str], list[str]]:
    """Refuse every non-loopback request; returns (refused URLs, library URLs loaded)."""
    refused: list[str] = []
    libraries: list[str] = []

    def route(route: Any) -> None:
        url = route.request.url
        host = urlsplit(url).hostname
        if url.startswith(("blob:", "data:")) or host in ("127.0.0.1", "localhost"):
            if "/lib/" in url:
                libraries.append(url)
            route.continue_()
        else:
            refused.append(url)
            route.abort()

    page.route("**/*", route)
    return refused, libraries


# Per library: a selector of what it draws, inside its scope.
DRAWN = {
    "plotly": "#pywebio-scope-plotly .js-plotly-plot .main-svg .bars path",
    "bokeh": "#pywebio-scope-bokeh canvas",
    "pyecharts": "#pywebio-scope-pyecharts canvas",
    "cutecharts": "#pywebio-scope-cutecharts svg rect",
    "cookbook": "#pywebio-scope-cookbook img.pywebio-image",
}


def test_every_chart_draws_offline(page: Any, charts_server: ServerHandle) -> None:
    refused, libraries = _watch_requests(page)
    page.goto(charts_server.url)
    for name, selector in DRAWN.items():
        page.locator(selector).first.wait_for(state="attached", timeout=20_000)
        box = page.locator(selector).first.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0, name
    # Two plotly charts (one inlining plotly.js, one a Figure): two svg plots, one library load.
    assert page.locator("#pywebio-scope-plotly .js-plotly-plot").count() == 2
    # plotly's own styles reached the shadow root: its stacked svgs are absolutely placed.
    position = page.locator("#pywebio-scope-plotly .main-svg").first.evaluate(
        "e => getComputedStyle(e).position"
    )
    assert position == "absolute"
    names = sorted(urlsplit(url).path.rsplit("/", 1)[-1] for url in libraries)
    assert names == ["bokeh.js", "chartXkcd.js", "echarts.js", "plotly.js"], names
    assert refused == []
    assert page.locator("#pywebio-scope-cookbook table.dataframe").count() == 1
    assert page.page_errors == []


def _plotly_app() -> None:
    import plotly.graph_objects as go

    from pywebio_nb.output import put_html

    fig = go.Figure(go.Bar(x=["a", "b"], y=[2, 1]))
    put_html(fig.to_html(include_plotlyjs="cdn", full_html=False))


def test_a_chart_over_fastapi_gets_its_library_as_a_blob(page: Any) -> None:
    # Other web frameworks serve the frontend files but not lib/: the library's bytes
    # come over the session's own connection (binary WebSocket frames) instead.
    from fastapi import FastAPI

    from pywebio_nb.platform.fastapi import _serve_app_in_thread, webio_routes

    server = _serve_app_in_thread(FastAPI(routes=webio_routes(_plotly_app)))
    try:
        refused, libraries = _watch_requests(page)
        page.goto(server.url)
        page.locator("#pywebio-nb-root .js-plotly-plot .main-svg .bars path").first.wait_for(
            state="attached", timeout=20_000
        )
        assert libraries == [] and refused == []
        loaded = page.evaluate(
            "() => Array.from(document.querySelectorAll('script[data-pywebio-lib]'), "
            "s => s.src.slice(0, 5))"
        )
        assert loaded == ["blob:"]
        assert page.page_errors == []
    finally:
        server.stop()
