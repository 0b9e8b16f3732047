"""notebooks/charts.ipynb in a real JupyterLab 4.6: every chart draws inside its cell's
shadow root, its library sent by the kernel (nothing from a CDN); a screenshot is kept.
"""

from __future__ import annotations

import importlib.util
import pathlib
from typing import Any
from urllib.parse import urlsplit

import pytest
from _jupyter import (  # noqa: F401  (fixtures are used by name)
    JupyterServer,
    assert_no_command_errors,
    check_page_errors,
    console_log,
    lab_server,
    open_notebook,
    run_all,
    wait_for_all_executed,
)

from tests.browser.conftest import ARTIFACTS

NOTEBOOK = pathlib.Path(__file__).resolve().parents[2] / "notebooks" / "charts.ipynb"
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"

for _package in ("plotly", "bokeh", "pyecharts", "cutecharts"):
    if importlib.util.find_spec(_package) is None:
        pytest.fail(
            f"{_package} is missing: pip install -r requirements/dev.txt ('pywebio_nb[charts]')"
        )

#: What each library draws, in the order of the notebook's cells.
DRAWN = [
    ".js-plotly-plot .main-svg .bars path",
    ".js-plotly-plot .main-svg .scatterlayer path",
    "canvas",  # bokeh
    "canvas",  # echarts
    "svg rect",  # chart.xkcd
    "table.dataframe",
]


def _code_cells() -> list[str]:
    import nbformat

    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "code"]


def test_charts_notebook_draws_every_chart(
    page: Any, console_log: list[str], lab_server: JupyterServer
) -> None:
    refused: list[str] = []

    def route(route: Any) -> None:
        url = route.request.url
        if url.startswith(("blob:", "data:")) or urlsplit(url).hostname in (
            "127.0.0.1",
            "localhost",
        ):
            route.continue_()
        else:
            refused.append(url)
            route.abort()

    page.route("**/*", route)
    name = lab_server.write_notebook("charts", _code_cells())
    open_notebook(page, lab_server.notebook_url(name))
    run_all(page)
    wait_for_all_executed(page, timeout_ms=120_000)
    outputs = page.locator(f"{PANEL} .jp-Cell .jp-OutputArea-output")
    for index, selector in enumerate(DRAWN):
        drawn = outputs.nth(index).locator(selector).first
        drawn.wait_for(state="attached", timeout=30_000)
        box = drawn.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0, (index, selector)
    # The cookbook cell: the DataFrame and the matplotlib figure share its root.
    assert outputs.nth(len(DRAWN) - 1).locator("img.pywebio-image").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(PANEL).screenshot(path=str(ARTIFACTS / "charts_jupyterlab.png"))
    # Each library was loaded once, from the kernel's blob.
    loaded = page.evaluate(
        "() => Array.from(document.querySelectorAll('script[data-pywebio-lib]'), "
        "s => [s.dataset.pywebioLib, s.src.slice(0, 5)])"
    )
    assert sorted(loaded) == [
        ["bokeh", "blob:"],
        ["chartXkcd", "blob:"],
        ["echarts", "blob:"],
        ["plotly", "blob:"],
    ]
    assert refused == []
    assert_no_command_errors(page)
    check_page_errors(page)
