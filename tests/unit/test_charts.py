"""pywebio_nb.charts: chart HTML made to load its libraries locally, put_html(fig), bokeh's hook.

The browser side is tested in tests/browser/test_charts_page.py; the route
serving the libraries in tests/server/test_charts_server.py.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Any

import pytest

from pywebio_nb.charts._html import html_with_libraries, placeholder, rewrite_html
from pywebio_nb.charts._libs import library_file, library_url
from pywebio_nb.output import put_html

plotly = pytest.importorskip("plotly.graph_objects")


def _specs(run: Any) -> list[dict[str, Any]]:
    run.join()
    return [c["spec"] for c in run.commands("output")]


def _figure() -> Any:
    return plotly.Figure(plotly.Bar(x=[1, 2], y=[3, 4]))


@pytest.mark.parametrize(
    ("html", "expected", "libraries"),
    [
        (  # plotly's include_plotlyjs="cdn"
            '<script charset="utf-8" src="https://cdn.plot.ly/plotly-4.1.1.min.js"></script>'
            "<div id=a></div>",
            placeholder("plotly") + "<div id=a></div>",
            ["plotly"],
        ),
        (  # plotly.js inlined whole (include_plotlyjs=True / "require" in plotly 6+)
            "<script>/**\n* plotly.js v4.1.1\n* Copyright\n*/ var Plotly = 1;</script><p>x</p>",
            placeholder("plotly") + "<p>x</p>",
            ["plotly"],
        ),
        (  # bokeh's CDN files, any part
            '<script src="https://cdn.bokeh.org/bokeh/release/bokeh-3.9.2.min.js"></script>'
            "<SCRIPT type='text/javascript' src='https://cdn.bokeh.org/bokeh/release/"
            "bokeh-widgets-3.9.2.min.js'></SCRIPT>",
            placeholder("bokeh") + placeholder("bokeh-widgets"),
            ["bokeh", "bokeh-widgets"],
        ),
        (  # require() in render_notebook(): HTML unchanged, the library named
            "<script>require.config({paths: {'echarts': 'https://assets.pyecharts.org/assets/v6/"
            "echarts.min'}});</script><script>require(['echarts'], function(e) {})</script>",
            None,
            ["echarts"],
        ),
        (  # other scripts are left as they are
            '<script src="https://example.org/other.js"></script>'
            "<script>var data_src = 1;</script>",
            None,
            [],
        ),
    ],
    ids=["plotly-cdn", "plotly-inline", "bokeh-cdn", "require", "other"],
)
def test_rewrite_html(html: str, expected: str | None, libraries: list[str]) -> None:
    content, used = rewrite_html(html)
    assert content == (html if expected is None else expected)
    assert used == libraries


def test_the_manuals_plotly_recipe_sends_plotly_js_once_by_name(run_app: Any) -> None:
    fig = _figure()
    html = fig.to_html(include_plotlyjs="require", full_html=False)
    assert len(html) > 1_000_000  # plotly.js is inlined

    def app() -> None:
        put_html(html)
        put_html(fig)

    run = run_app(app)
    run.join()
    specs = [c["spec"] for c in run.commands("output")]
    assert len(specs) == 2
    path = library_file("plotly")
    assert path is not None
    for spec in specs:
        assert spec["type"] == "html"
        assert len(spec["content"]) < 20_000
        assert spec["content"].count(placeholder("plotly")) == 1
        assert "cdn.plot.ly" not in spec["content"]
        assert spec["libs"]["plotly"]["global_name"] == "Plotly"
        assert "Plotly.newPlot" in spec["content"]
    # Not a Tornado page (no library route): the bytes go as one blob of the session,
    # both charts naming it.
    ref = specs[0]["libs"]["plotly"]["src"]
    assert specs[1]["libs"]["plotly"]["src"] == ref
    blob = run.session.blobs.get(ref["blob"])
    assert blob is not None and blob.data == path.read_bytes()
    assert ref["size"] == path.stat().st_size and ref["mime"] == "text/javascript"


def test_sanitized_html_loads_no_library(run_app: Any) -> None:
    html = '<script src="https://cdn.plot.ly/plotly-4.1.1.min.js"></script><b>x</b>'
    assert html_with_libraries(html, sanitize=True) == (html, {})

    def app() -> None:
        put_html(html, sanitize=True)

    (spec,) = _specs(run_app(app))
    assert "libs" not in spec


def test_objects_with_html_methods_still_work(run_app: Any) -> None:
    class Chart:
        def _repr_html_(self) -> str:
            return "<i>chart</i>"

    def app() -> None:
        put_html(Chart())

    (spec,) = _specs(run_app(app))
    assert spec["content"] == "<i>chart</i>"


@pytest.mark.parametrize("name", ["plotly", "bokeh", "bokeh-widgets", "echarts", "chartXkcd"])
def test_libraries_are_found_locally(name: str) -> None:
    path = library_file(name)
    assert path is not None and path.stat().st_size > 50_000, name
    url = library_url(name)
    assert url is not None and url.startswith(f"lib/{name}.js?v=")


def _python(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_bokeh_hook_registered_lazily_in_either_import_order() -> None:
    pytest.importorskip("bokeh")
    out = _python(
        """
        import sys
        import pywebio_nb
        print("bokeh" in sys.modules)
        from bokeh.io import output_notebook
        from bokeh.io.notebook import _HOOKS
        print("pywebio" in _HOOKS)
        """
    )
    assert out.split() == ["False", "True"]
    out = _python(
        """
        from bokeh.io.notebook import _HOOKS
        import pywebio_nb
        print("pywebio" in _HOOKS)
        """
    )
    assert out == "True"


def test_bokeh_show_outputs_the_figure_with_local_bokehjs(run_app: Any) -> None:
    pytest.importorskip("bokeh")
    from bokeh.io import output_notebook, show
    from bokeh.plotting import figure

    import pywebio_nb  # noqa: F401  (the hook)

    def app() -> None:
        output_notebook(notebook_type="pywebio", hide_banner=True)
        fig = figure(width=200, height=100)
        fig.line([1, 2], [3, 4])
        show(fig)

    (spec,) = _specs(run_app(app))
    assert spec["content"].startswith(placeholder("bokeh"))
    assert "cdn.bokeh.org" not in spec["content"]
    assert "Bokeh.embed.embed_items" in spec["content"]
    assert spec["libs"]["bokeh"]["global_name"] == "Bokeh"


def test_only_applications_with_the_library_route_get_urls() -> None:
    import tornado.web

    from pywebio_nb.charts._html import _routes_libraries
    from pywebio_nb.platform.tornado import static_route

    plain = tornado.web.RequestHandler
    assert _routes_libraries(tornado.web.Application([(r"/", plain), static_route()]))
    # Routes added later for a host (as Jupyter Server adds its extensions' handlers).
    nested = tornado.web.Application([(r"/", plain)])
    nested.add_handlers(r".*", [static_route("/x/")])
    assert _routes_libraries(nested)
    # A static route of its own (Jupyter's extension today): the library goes as a blob.
    own = (r"/static/(.*)", tornado.web.StaticFileHandler, {"path": "."})
    assert not _routes_libraries(tornado.web.Application([(r"/", plain), own]))
