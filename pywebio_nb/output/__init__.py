"""Make output to the browser (``pywebio.output`` of the PyWebIO manual).

Every ``put_*()`` returns an :class:`Output`. It is sent when the statement
that made it ends (so ``put_text("hi")`` needs nothing more), when it is the
last expression of a notebook cell, or by ``.show()``; passed to another
``put_*()`` (a table cell, a scope's content) it becomes part of that output
instead. ``.style(css)`` and ``.onclick(callback)`` return the output itself,
so they chain.

Output goes to the *current scope* (see :func:`use_scope`) unless ``scope=``
names another; ``position`` inserts it among the scope's children: ``>= 0``
before the child with that index, ``< 0`` after it (``-1``, the default,
appends).

The functions that take other outputs and that the manual marks as context
managers (``put_row``, ``put_column``, ``put_collapse``, ``put_scrollable``,
``put_info`` ..., ``put_loading``) also work as ``with put_xxx() as scope:``;
``popup()`` is sent when its statement ends too, so it also works as a
context manager and as a decorator.

The functions live in one module per family (``_core``: :class:`Output` and
the helpers every family uses; ``_scope``, ``_content``, ``_table``,
``_progress``, ``_widget``, ``_buttons``, ``_media``, ``_layout``,
``_popup``, ``_interact``); this package re-exports them.
"""

from __future__ import annotations

from ._buttons import put_button, put_buttons
from ._content import (
    put_code,
    put_error,
    put_html,
    put_info,
    put_link,
    put_loading,
    put_markdown,
    put_success,
    put_text,
    put_warning,
)
from ._core import Output, style
from ._interact import toast
from ._layout import put_collapse, put_column, put_grid, put_row, put_scrollable, put_tabs
from ._media import put_file, put_image
from ._popup import PopupSize, close_popup, popup
from ._progress import put_processbar, set_processbar
from ._scope import clear, get_scope, put_scope, remove, scroll_to, use_scope
from ._table import put_table, span
from ._widget import put_widget

__all__ = [
    "Output",
    "PopupSize",
    "clear",
    "close_popup",
    "get_scope",
    "popup",
    "put_button",
    "put_buttons",
    "put_code",
    "put_collapse",
    "put_column",
    "put_error",
    "put_file",
    "put_grid",
    "put_html",
    "put_image",
    "put_info",
    "put_link",
    "put_loading",
    "put_markdown",
    "put_processbar",
    "put_row",
    "put_scope",
    "put_scrollable",
    "put_success",
    "put_table",
    "put_tabs",
    "put_text",
    "put_warning",
    "put_widget",
    "remove",
    "scroll_to",
    "set_processbar",
    "span",
    "style",
    "toast",
    "use_scope",
]
