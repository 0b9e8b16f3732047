"""Output specs of the content family: text, markdown, html, code, table, ..."""

# No ``from __future__ import annotations`` here: ``TypedDict`` reads
# ``Required[...]`` from the evaluated annotations at class creation (string
# annotations would make every key of a total=False class optional at run
# time), and the TS generator relies on ``__required_keys__``.

import sys
from typing import TYPE_CHECKING, Any, Literal, Union

if sys.version_info >= (3, 11):
    from typing import Required
else:  # pragma: no cover - Python 3.10
    from typing_extensions import Required

from ._common import _OutputBase

if TYPE_CHECKING:
    # A spec may nest others. At run time ``_outputs`` binds ``OutputSpec`` in
    # this module once the union exists, so ``get_type_hints`` resolves the
    # string annotations (it looks names up in the defining module).
    from ._outputs import OutputSpec

__all__ = [
    "CodeOutputSpec",
    "HtmlOutputSpec",
    "LinkOutputSpec",
    "LoadingOutputSpec",
    "MarkdownOutputSpec",
    "MessageOutputSpec",
    "ProcessbarOutputSpec",
    "TableOutputSpec",
    "TextOutputSpec",
    "WidgetOutputSpec",
]


class TextOutputSpec(_OutputBase, total=False):
    """``put_text``: plain text, never parsed as HTML."""

    type: Required[Literal["text"]]
    content: Required[str]
    inline: bool


class MarkdownOutputSpec(_OutputBase, total=False):
    """``put_markdown``: rendered with marked; ``options`` are marked options."""

    type: Required[Literal["markdown"]]
    content: Required[str]
    options: dict[str, Any]
    sanitize: bool


class HtmlOutputSpec(_OutputBase, total=False):
    """``put_html``: raw HTML (sanitized when ``sanitize``).

    Extension: ``libs`` names the JavaScript libraries the HTML's scripts use
    (``pywebio_nb.charts``), by name: ``{"src": BlobRef | str, "global_name":
    str}``; ``src`` is the library's bytes (notebook) or its URL relative to
    the frontend files (server page). ``<script data-pywebio-lib="NAME">``
    placeholders and ``require(["NAME"], ...)`` load them, locally.
    """

    type: Required[Literal["html"]]
    content: Required[str]
    sanitize: bool
    libs: dict[str, dict[str, Any]]


class CodeOutputSpec(_OutputBase, total=False):
    """``put_code``: a code block."""

    type: Required[Literal["code"]]
    content: Required[str]
    language: str
    rows: int


class TableOutputSpec(_OutputBase, total=False):
    """``put_table``: rows of cells (the first row is the header).

    A cell is a string (text) or a nested output spec; ``span`` maps
    ``"row,col"`` to ``{"row": n, "col": m}``.
    """

    type: Required[Literal["table"]]
    data: Required[list[list[Union[str, "OutputSpec"]]]]
    span: dict[str, dict[str, int]]


class MessageOutputSpec(_OutputBase, total=False):
    """``put_info/success/warning/error``: a Bootstrap alert holding ``contents``.

    ``color`` is the alert's Bootstrap colour; ``closable`` adds a dismiss button.
    """

    type: Required[Literal["message"]]
    color: Required[Literal["info", "success", "warning", "danger"]]
    contents: list["OutputSpec"]
    closable: bool


class LinkOutputSpec(_OutputBase, total=False):
    """``put_link``: a hyperlink; ``name`` is its text (never HTML).

    ``url`` is the target (``put_link(app=...)`` becomes ``?app=NAME``);
    ``new_window`` opens it in a new browsing context.
    """

    type: Required[Literal["link"]]
    name: Required[str]
    url: Required[str]
    new_window: bool


class ProcessbarOutputSpec(_OutputBase, total=False):
    """``put_processbar``: a progress bar identified by ``name`` (any string).

    ``value`` is in [0, 1]; ``label`` replaces the percentage shown when set;
    ``auto_close`` removes the bar once ``value`` reaches 1. The
    ``set_processbar`` command updates it.
    """

    type: Required[Literal["processbar"]]
    name: Required[str]
    value: Required[float]
    label: str | None
    auto_close: bool


class LoadingOutputSpec(_OutputBase, total=False):
    """``put_loading``: a Bootstrap spinner (``shape`` border or grow, a Bootstrap ``color``)."""

    type: Required[Literal["loading"]]
    shape: Required[Literal["border", "grow"]]
    color: Required[str]


class WidgetOutputSpec(_OutputBase, total=False):
    """``put_widget``: a mustache ``template`` rendered with ``data``.

    Output specs anywhere inside ``data`` are rendered where the template
    writes ``{{& pywebio_output_parse}}`` (a string there becomes text).
    """

    type: Required[Literal["widget"]]
    template: Required[str]
    data: Required[dict[str, Any]]
