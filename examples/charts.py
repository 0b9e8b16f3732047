"""Chart libraries with pywebio_nb, offline: the manual's "Data visualization" recipes.

Each chart library's JavaScript comes from this machine (plotly.js from the
plotly package, BokehJS from bokeh, ECharts and chart.xkcd bundled with
pywebio_nb); nothing is fetched from a CDN. Needs ``pip install
'pywebio_nb[charts]'``. Run ``python examples/charts.py`` and open
http://localhost:8080/.
"""

from __future__ import annotations

import io

from pywebio_nb import start_server
from pywebio_nb.output import put_html, put_image, put_markdown, put_scope, use_scope


def plotly_charts() -> None:
    import plotly.graph_objects as go

    fig = go.Figure(go.Bar(x=["a", "b", "c"], y=[3, 1, 2]))
    fig.update_layout(title="plotly: fig.to_html(include_plotlyjs='require')", height=320)
    # The manual's recipe: plotly.js is inlined in this HTML; pywebio_nb sends it once.
    put_html(fig.to_html(include_plotlyjs="require", full_html=False))
    line = go.Figure(go.Scatter(x=[1, 2, 3, 4], y=[1, 4, 2, 3]))
    line.update_layout(title="plotly: put_html(fig)", height=320)
    put_html(line)


def bokeh_chart() -> None:
    from bokeh.io import output_notebook, show
    from bokeh.plotting import figure

    output_notebook(notebook_type="pywebio")
    fig = figure(title="Bokeh", width=480, height=300)
    fig.line([1, 2, 3, 4, 5], [6, 7, 2, 4, 5], line_width=2)
    show(fig)


def pyecharts_chart() -> None:
    from pyecharts.charts import Bar
    from pyecharts.options import InitOpts

    chart = (
        Bar(init_opts=InitOpts(width="480px", height="300px"))
        .add_xaxis(["shirt", "sweater", "tie", "pants"])
        .add_yaxis("store A", [5, 20, 36, 10])
    )
    put_html(chart.render_notebook())


def cutecharts_chart() -> None:
    from cutecharts.charts import Bar

    chart = Bar("cutecharts", width="480px", height="300px")
    chart.set_options(labels=["Mon", "Tue", "Wed"], x_label="day", y_label="cups")
    chart.add_series("coffee", [3, 5, 2])
    put_html(chart.render_notebook())


def cookbook() -> None:
    import matplotlib
    import numpy as np
    import pandas as pd

    matplotlib.use("agg")  # no GUI windows in a server
    import matplotlib.pyplot as plt

    df = pd.DataFrame(np.arange(12).reshape(3, 4), columns=list("ABCD"))
    put_markdown("### pandas")
    put_html(df.to_html(border=0))
    fig, ax = plt.subplots(figsize=(4, 2.5))
    ax.plot([1, 2, 3, 4], [1, 4, 2, 3])
    buf = io.BytesIO()
    fig.savefig(buf)
    plt.close(fig)
    put_markdown("### matplotlib")
    put_image(buf.getvalue())


def main() -> None:
    """One scope per library, so a missing one shows where."""
    for name, show in [
        ("plotly", plotly_charts),
        ("bokeh", bokeh_chart),
        ("pyecharts", pyecharts_chart),
        ("cutecharts", cutecharts_chart),
        ("cookbook", cookbook),
    ]:
        put_scope(name)
        with use_scope(name):
            try:
                show()
            except ImportError as error:
                put_markdown(f"*{name}: not installed ({error.name})*")


if __name__ == "__main__":
    start_server(main, port=8080)
