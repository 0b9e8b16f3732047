"""Chart libraries in pywebio_nb, offline: nothing is ever loaded from a CDN.

``put_html`` accepts the HTML of plotly, Bokeh, pyecharts, cutecharts (and
any library registered here): its ``<script>`` tags run in order, and each
library's JavaScript comes from this machine (the installed Python package
that ships it, or a pinned copy bundled with pywebio_nb), served once and
cached. ``put_html(fig)`` also takes a plotly ``Figure``, and
``bokeh.io.output_notebook(notebook_type='pywebio')`` + ``show(fig)`` works
once pywebio_nb is imported. See docs/charts.md.

:func:`register_library` adds a library of your own: its name (the AMD module
name ``require()`` asks for), a function returning its file, the global it
defines, and the CDN URLs it replaces.
"""

from __future__ import annotations

from ._libs import Library, libraries, library_file, register_library

__all__ = ["Library", "libraries", "library_file", "register_library"]
