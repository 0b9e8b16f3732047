"""notebooks/charts.ipynb under nbclient: every chart cell runs; each library's bytes go once.

The kernel sends a chart library (plotly.js, BokehJS, ECharts, chart.xkcd) as a
blob the first time a cell needs it, never again in that kernel, and no CDN
URL is left in what the widgets receive.
"""

from __future__ import annotations

import json
import pathlib
import re

import pytest
from _media_frontend import run_notebook_with_blobs

from pywebio_nb.charts._libs import library_file

NOTEBOOK = pathlib.Path(__file__).resolve().parents[2] / "notebooks" / "charts.ipynb"
REMOTE_URL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE)

for _package in ("plotly", "bokeh", "pyecharts", "cutecharts"):
    pytest.importorskip(_package)


def test_charts_notebook_sends_each_library_once() -> None:
    nb, script = run_notebook_with_blobs(str(NOTEBOOK), [], timeout=120)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
    htmls = [
        c["spec"]
        for _w, c in script.log
        if c["command"] == "output" and c["spec"]["type"] == "html"
    ]
    # 2 plotly, bokeh, pyecharts, cutecharts, the DataFrame
    assert [sorted(s.get("libs", {})) for s in htmls] == [
        ["plotly"],
        ["plotly"],
        ["bokeh"],
        ["echarts"],
        ["chartXkcd"],
        [],
    ]
    for spec in htmls:
        assert not REMOTE_URL.search(spec["content"]), spec["content"][:300]
    # One blob per library, each sent once (the second plotly chart names the same blob).
    blob_commands = [c["spec"] for _w, c in script.log if c["command"] == "blob"]
    first_chunks = [b for b in blob_commands if b["offset"] == 0]
    library_blobs = {
        name: lib["src"]["blob"] for spec in htmls for name, lib in spec.get("libs", {}).items()
    }
    assert htmls[0]["libs"]["plotly"]["src"] == htmls[1]["libs"]["plotly"]["src"]
    for name, blob_id in library_blobs.items():
        assert [b["id"] for b in first_chunks].count(blob_id) == 1, name
        path = library_file(name)
        assert path is not None
        assert script.chunks.complete(blob_id) == path.read_bytes(), name
    # The JSON of the commands stays small: plotly.js never travels inside the HTML.
    assert len(json.dumps([c for _w, c in script.log])) < 300_000
