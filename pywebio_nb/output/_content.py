"""Content outputs: text, markdown, html, code, table."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

from ..protocol import (
    CodeOutputSpec,
    OutputSpec,
)
from ._core import Output, _output

__all__ = [
    "put_code",
    "put_html",
    "put_markdown",
    "put_table",
    "put_text",
]


def put_text(
    *texts: Any,
    sep: str = " ",
    inline: bool = False,
    scope: str | int | None = None,
    position: int = -1,
) -> Output:
    """Output plain text (``str()`` of each value, joined by ``sep``); never HTML."""
    return _output(
        {"type": "text", "content": sep.join(map(str, texts)), "inline": inline}, scope, position
    )


def _strip_indent(text: str) -> str:
    """Remove the indentation of triple-quoted markdown written inside a function."""
    first, _, rest = text.partition("\n")
    if first.strip():
        return first.lstrip() + ("\n" + textwrap.dedent(rest) if rest else "")
    return textwrap.dedent(rest)


def put_markdown(
    mdcontent: str,
    lstrip: bool = True,
    options: dict[str, Any] | None = None,
    sanitize: bool = True,
    scope: str | int | None = None,
    position: int = -1,
    **kwargs: Any,
) -> Output:
    """Output Markdown (rendered with marked; sanitized with DOMPurify by default)."""
    content = _strip_indent(mdcontent) if lstrip else mdcontent
    return _output(
        {"type": "markdown", "content": content, "options": options or {}, "sanitize": sanitize},
        scope,
        position,
    )


def put_html(
    html: Any, sanitize: bool = False, scope: str | int | None = None, position: int = -1
) -> Output:
    """Output HTML; objects with ``__html__`` or ``_repr_html_`` are accepted too."""
    if hasattr(html, "__html__"):
        html = html.__html__()
    elif hasattr(html, "_repr_html_"):
        html = html._repr_html_()
    return _output({"type": "html", "content": str(html), "sanitize": sanitize}, scope, position)


def put_code(
    content: str,
    language: str = "",
    rows: int | None = None,
    scope: str | int | None = None,
    position: int = -1,
) -> Output:
    """Output a code block."""
    spec: CodeOutputSpec = {"type": "code", "content": str(content), "language": language}
    if rows is not None:
        spec["rows"] = rows
    return _output(spec, scope, position)


def put_table(
    tdata: Sequence[Any],
    header: Sequence[Any] | None = None,
    scope: str | int | None = None,
    position: int = -1,
) -> Output:
    """Output a table; cells are values or ``put_*()`` outputs.

    ``tdata`` is a list of rows (lists), or a list of dicts with ``header``
    naming the keys to show.
    """
    rows: list[list[Any]] = []
    header_row: list[Any] | None = list(header) if header is not None else None
    keys: list[Any] | None = None
    if header_row and all(isinstance(h, (list, tuple)) and len(h) == 2 for h in header_row):
        keys = [h[1] for h in header_row]
        header_row = [h[0] for h in header_row]
    for row in tdata:
        if isinstance(row, dict):
            keys = keys or header_row or list(row.keys())
            rows.append([row.get(k, "") for k in keys])
        else:
            rows.append(list(row))
    if header_row is not None:
        rows.insert(0, header_row)

    def cell(value: Any) -> str | OutputSpec:
        return value.embed_data() if isinstance(value, Output) else str(value)

    return _output(
        {"type": "table", "data": [[cell(v) for v in row] for row in rows]}, scope, position
    )
