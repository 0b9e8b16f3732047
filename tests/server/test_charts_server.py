"""Chart libraries under a real server: served locally by the static route, no CDN URL sent.

(The page in Chromium: tests/browser/test_charts_page.py.)
"""

from __future__ import annotations

import gzip
import json
import re
import urllib.error
import urllib.request
from typing import Any

import pytest
from _wsclient import Client, run

from pywebio_nb.charts._libs import library_file
from pywebio_nb.output import put_html

go = pytest.importorskip("plotly.graph_objects")
PREFIX = "/_pywebio_nb/"
#: Anything that looks like a URL of a host (a CDN) in what the server sends.
REMOTE_URL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE)


def _charts() -> None:
    fig = go.Figure(go.Bar(x=[1, 2], y=[3, 4]))
    put_html(fig.to_html(include_plotlyjs="cdn", full_html=False))
    put_html(fig.to_html(include_plotlyjs="require", full_html=False))
    put_html(fig)
    from bokeh.io import output_notebook, show
    from bokeh.plotting import figure

    output_notebook(notebook_type="pywebio")
    plot = figure(width=200, height=100)
    plot.line([1, 2], [3, 4])
    show(plot)
    from pyecharts.charts import Bar

    put_html(Bar().add_xaxis(["a"]).add_yaxis("s", [1]).render_notebook())
    put_html("<p>done</p>")


def _get(url: str, gzipped: bool = True) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzipped else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), b""


def test_chart_outputs_name_local_libraries_and_no_cdn(serve: Any) -> None:
    pytest.importorskip("bokeh")
    pytest.importorskip("pyecharts")
    import pywebio_nb  # noqa: F401  (bokeh's hook)

    server = serve(_charts)

    async def body() -> list[dict[str, Any]]:
        client = await Client.connect(server)
        specs: list[dict[str, Any]] = []
        while not specs or specs[-1]["content"] != "<p>done</p>":
            specs.append((await client.until("output"))["spec"])
        # Nothing big travels in the commands: plotly.js went by name, not inline.
        assert len(json.dumps(client.received)) < 200_000
        return specs

    specs = run(body())
    assert [sorted(s.get("libs", {})) for s in specs] == [
        ["plotly"],
        ["plotly"],
        ["plotly"],
        ["bokeh"],
        ["echarts"],
        [],
    ]
    for spec in specs:
        assert not REMOTE_URL.search(spec["content"]), spec["content"][:500]
    base = f"http://127.0.0.1:{server.port}{PREFIX}"
    # Each library's URL serves its file: gzipped, cached for long.
    for spec in specs:
        for name, lib in spec.get("libs", {}).items():
            status, headers, data = _get(base + lib["src"])
            assert status == 200, name
            assert headers.get("Content-Encoding") == "gzip"
            assert "max-age" in headers.get("Cache-Control", "")
            path = library_file(name)
            assert path is not None and gzip.decompress(data) == path.read_bytes()


@pytest.mark.parametrize(
    "path",
    [
        "lib/nothing.js",
        "lib/../page.js.map",
        "lib/plotly",
        "lib/%2E%2E/%2E%2E/pyproject.toml",
        "lib/a/plotly.js",
    ],
)
def test_only_registered_libraries_are_served(serve: Any, path: str) -> None:
    server = serve(lambda: None)
    status, _, _ = _get(f"http://127.0.0.1:{server.port}{PREFIX}{path}")
    assert status in (403, 404), path
