"""A Bokeh server application in a pywebio_nb page (the manual's "Bokeh App").

``output_notebook(notebook_type='pywebio')`` then ``show(modify_doc)``: the
slider's Python callback runs in this process and redraws the curve over the
Bokeh server's websocket. The Bokeh server is started on the first
``show(app)`` beside the page server (same event loop, a free port, on the
address the page was opened on); BokehJS comes from the installed bokeh
package. Tornado server only (``start_server``, ``path_deploy``). Needs
``pip install 'pywebio_nb[charts]'``. Run ``python examples/bokeh_app.py``
and open http://localhost:8080/.
"""

from __future__ import annotations

import math
from typing import Any

from pywebio_nb import start_server
from pywebio_nb.output import put_markdown

XS = [i / 20 for i in range(126)]


def modify_doc(doc: Any) -> None:
    """The Bokeh app: a sine curve whose frequency a slider sets, in Python."""
    from bokeh.layouts import column
    from bokeh.models import ColumnDataSource, Slider
    from bokeh.plotting import figure

    source = ColumnDataSource({"x": XS, "y": [math.sin(x) for x in XS]}, name="curve")
    plot = figure(height=300, width=600, title="sin(f·x)", y_range=(-1.1, 1.1))
    plot.line("x", "y", source=source, line_width=2)
    slider = Slider(start=1, end=5, value=1, step=1, title="frequency f", name="frequency")

    def redraw(attr: str, old: Any, new: Any) -> None:
        source.data = {"x": XS, "y": [math.sin(new * x) for x in XS]}

    slider.on_change("value", redraw)
    doc.add_root(column(slider, plot))


def main() -> None:
    """The page: some text, then the live Bokeh app."""
    from bokeh.io import output_notebook, show

    put_markdown("## A Bokeh app\nMove the slider: Python redraws the curve.")
    output_notebook(notebook_type="pywebio")
    show(modify_doc)


if __name__ == "__main__":
    start_server(main, port=8080)
