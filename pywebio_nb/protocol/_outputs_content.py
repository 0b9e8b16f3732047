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
    "MarkdownOutputSpec",
    "TableOutputSpec",
    "TextOutputSpec",
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
    """``put_html``: raw HTML (sanitized when ``sanitize``)."""

    type: Required[Literal["html"]]
    content: Required[str]
    sanitize: bool


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
