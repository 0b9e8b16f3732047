"""Layout outputs: rows, columns, grids, tabs, collapses and scrollable boxes.

Each takes other outputs (``put_xxx()`` calls, plain strings become text) and
embeds their specs; the ones the manual marks as context managers
(``put_row``, ``put_column``, ``put_collapse``, ``put_scrollable``) return an
:class:`Output` that works in a ``with`` statement: the block's output goes
into the widget and the statement yields the name of that scope.

Sizes are CSS grid track values (``px``, ``%``, ``fr``, ``auto``,
``minmax()``, ...) passed to the browser as style properties, never as HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from ..protocol import OutputSpec, ScrollableOutputSpec
from ._core import Output, _output, _to_spec

__all__ = [
    "put_collapse",
    "put_column",
    "put_grid",
    "put_row",
    "put_scrollable",
    "put_tabs",
]

#: The width ``size`` gives a ``None`` item when ``size`` is not given.
GAP = "10px"


def _items(content: Any) -> list[Any]:
    """A single item or a list of them (an ``OutputList`` of ``style()`` included)."""
    if isinstance(content, (list, tuple)):
        return list(content)
    return [content]


def _gap() -> OutputSpec:
    """An empty cell standing for ``None`` in a row, column or grid (as PyWebIO)."""
    return {"type": "html", "content": "", "sanitize": False}


def _specs(content: Any, what: str) -> list[OutputSpec]:
    """Embed the specs of a content list whose items are ``put_xxx()`` calls or strings."""
    specs: list[OutputSpec] = []
    for item in _items(content):
        if not isinstance(item, (Output, str)):
            raise TypeError(f"{what}() content must be put_xxx() calls or strings, got {item!r}")
        specs.append(_to_spec(item))
    return specs


def _line(
    kind: Literal["row", "column"],
    content: Any,
    size: str | None,
    scope: str | int | None,
    position: int,
) -> Output:
    items = _items(content)
    specs: list[OutputSpec] = []
    for item in items:
        if item is None:
            specs.append(_gap())
        elif isinstance(item, Output):
            specs.append(item.embed_data())
        else:
            raise TypeError(f"put_{kind}() content must be put_xxx() calls or None, got {item!r}")
    if size is None:
        size = " ".join(GAP if item is None else "1fr" for item in items)
    return _output(
        {"type": kind, "contents": specs, "size": size}, scope, position
    ).enable_context_manager()


def put_row(
    content: Sequence[Output | None] = (),
    size: str | None = None,
    scope: str | int | None = None,
    position: int = -1,
) -> Output:
    """Use row layout to output content: the items are arranged horizontally.

    :param content: a list of ``put_xxx()`` calls or ``None``; ``None`` is a gap.
    :param size: the widths of the items, separated by spaces, one per item
        (``None`` items included): ``100px``, ``33.33%``, ``2fr``, ``auto`` or
        ``minmax(100px, 1fr)``. By default a ``None`` item is 10 pixels wide
        and the other items share the rest equally.
    :param scope, position: the same meaning as for :func:`put_text`.

    Usable as a context manager: ``with put_row():`` puts the block's output
    side by side.

    Example::

        # Two code blocks of equal width, separated by 10 pixels
        put_row([put_code('A'), None, put_code('B')])

        # The width ratio of the left and right code blocks is 2:3
        put_row([put_code('A'), None, put_code('B')], size='40% 10px 60%')
    """
    return _line("row", content, size, scope, position)


def put_column(
    content: Sequence[Output | None] = (),
    size: str | None = None,
    scope: str | int | None = None,
    position: int = -1,
) -> Output:
    """Use column layout to output content: the items are arranged vertically.

    :param content: a list of ``put_xxx()`` calls or ``None``; ``None`` is a gap.
    :param size: the heights of the items, separated by spaces; the format is
        the one of :func:`put_row`'s ``size``.
    :param scope, position: the same meaning as for :func:`put_text`.

    Usable as a context manager, as :func:`put_row`.
    """
    return _line("column", content, size, scope, position)


def _span_of(cell: Any) -> tuple[Any, int, int] | None:
    """``(content, row, col)`` of a ``span()`` cell, else None."""
    if isinstance(cell, (Output, str)) or cell is None:
        return None
    try:
        return cell.content, int(cell.row), int(cell.col)
    except AttributeError:
        return None


def put_grid(
    content: Sequence[Sequence[Any]],
    cell_width: str = "auto",
    cell_height: str = "auto",
    cell_widths: str | None = None,
    cell_heights: str | None = None,
    direction: Literal["row", "column"] = "row",
    scope: str | int | None = None,
    position: int = -1,
) -> Output:
    """Output content using grid layout.

    :param content: the grid, a two-dimensional list of ``put_xxx()`` calls or
        ``None`` (an empty cell); a cell may be ``span(put_xxx(), row=, col=)``
        to cover several cells.
    :param cell_width: the width of every cell.
    :param cell_height: the height of every cell.
    :param cell_widths: the width of each column, separated by spaces (instead
        of ``cell_width``).
    :param cell_heights: the height of each row, separated by spaces (instead
        of ``cell_height``).
    :param direction: how the cells are placed: ``'row'`` fills each row,
        ``'column'`` fills each column.
    :param scope, position: the same meaning as for :func:`put_text`.

    The width/height values have the format of :func:`put_row`'s ``size``.

    Example::

        put_grid([
            [put_text('A'), put_text('B'), put_text('C')],
            [None, span(put_text('D'), col=2, row=1)],
            [put_text('E'), put_text('F'), put_text('G')],
        ], cell_width='100px', cell_height='100px')
    """
    if direction not in ("row", "column"):
        raise ValueError(f"direction must be 'row' or 'column', got {direction!r}")
    rows = [list(row) for row in content]
    # Cells each row occupies (a span counts in every row and column it covers),
    # so short rows can be padded and the template gets the right track count.
    widths = [0] * len(rows)
    cells: list[list[OutputSpec]] = []
    for y, row in enumerate(rows):
        specs: list[OutputSpec] = []
        for cell in row:
            spanned = _span_of(cell)
            if spanned is not None:
                inner, row_span, col_span = spanned
                for covered in range(y, min(y + row_span, len(rows))):
                    widths[covered] += col_span
                spec = _gap() if inner is None else _specs(inner, "put_grid")[0]
                span_css = f"grid-row-start: span {row_span}; grid-column-start: span {col_span}"
                spec["style"] = spec.get("style", "") + ";" + span_css
            else:
                widths[y] += 1
                spec = _gap() if cell is None else _specs(cell, "put_grid")[0]
            specs.append(spec)
        cells.append(specs)
    columns = max(widths, default=0)
    flat: list[OutputSpec] = []
    for y, specs in enumerate(cells):
        flat.extend(specs)
        flat.extend(_gap() for _ in range(columns - widths[y]))
    row_count, col_count = len(rows), columns
    if direction == "column":
        row_count, col_count = col_count, row_count
    return _output(
        {
            "type": "grid",
            "contents": flat,
            "cell_widths": cell_widths or f"repeat({col_count}, {cell_width})",
            "cell_heights": cell_heights or f"repeat({row_count}, {cell_height})",
            "direction": direction,
        },
        scope,
        position,
    )


def put_tabs(
    tabs: Sequence[dict[str, Any]],
    scope: str | int | None = None,
    position: int = -1,
) -> Output:
    """Output tabs.

    :param tabs: a list of tabs, each a dict ``{"title": "Title", "content": ...}``;
        the content is a string, a ``put_xxx()`` call or a list of them. The
        first tab is shown. Titles are text, never HTML.
    :param scope, position: the same meaning as for :func:`put_text`.

    Example::

        put_tabs([
            {'title': 'Text', 'content': 'Hello world'},
            {'title': 'Markdown', 'content': put_markdown('~~Strikethrough~~')},
        ])
    """
    specs = []
    for tab in tabs:
        if not isinstance(tab, dict) or "title" not in tab or "content" not in tab:
            raise ValueError(f"each tab must be a dict with 'title' and 'content', got {tab!r}")
        specs.append({"title": str(tab["title"]), "content": _specs(tab["content"], "put_tabs")})
    return _output({"type": "tabs", "tabs": specs}, scope, position)  # type: ignore[typeddict-item]


def put_collapse(
    title: str,
    content: Any = (),
    open: bool = False,
    scope: str | int | None = None,
    position: int = -1,
) -> Output:
    """Output collapsible content.

    :param title: the title (text, never HTML).
    :param content: a string, a ``put_xxx()`` call or a list of them.
    :param open: whether the content is expanded at first.
    :param scope, position: the same meaning as for :func:`put_text`.

    Usable as a context manager: the block's output goes into the collapse.

    Example::

        put_collapse('Collapse title', [
            'text',
            put_markdown('~~Strikethrough~~'),
        ], open=True)

        with put_collapse('This is title'):
            for i in range(4):
                put_text(i)
    """
    return _output(
        {
            "type": "collapse",
            "title": str(title),
            "contents": _specs(content, "put_collapse"),
            "open": bool(open),
        },
        scope,
        position,
    ).enable_context_manager(".pywebio-collapse__body")


def put_scrollable(
    content: Any = (),
    height: int | tuple[int, int] | None = 400,
    keep_bottom: bool = False,
    border: bool = True,
    scope: str | int | None = None,
    position: int = -1,
    **kwargs: Any,
) -> Output:
    """Output a fixed height content area; a scroll bar shows when the content exceeds it.

    :param content: a string, a ``put_xxx()`` call or a list of them.
    :param height: the height of the area in pixels; ``(min_height, max_height)``
        for a range; ``None`` for no limit.
    :param keep_bottom: keep the area scrolled to the bottom when content is added
        (until the user scrolls up).
    :param border: whether to show a border.
    :param scope, position: the same meaning as for :func:`put_text`.

    ``max_height=`` (before PyWebIO 1.1) is still accepted, with a
    DeprecationWarning. Usable as a context manager.

    Example::

        put_scrollable(put_scope('scrollable'), height=200, keep_bottom=True)
        put_text("You can click the area to prevent auto scroll.", scope='scrollable')
    """
    if "max_height" in kwargs:
        import warnings

        warnings.warn(
            "put_scrollable(max_height=) is deprecated, use height=",
            DeprecationWarning,
            stacklevel=2,
        )
        height = kwargs.pop("max_height")
    if kwargs:
        raise TypeError(f"put_scrollable() got unexpected keyword arguments {sorted(kwargs)}")
    if height is None:
        bounds: tuple[int | None, int | None] = (None, None)
    elif isinstance(height, int):
        bounds = (height, height)
    else:
        low, high = height
        bounds = (low, high)
    spec: ScrollableOutputSpec = {
        "type": "scrollable",
        "contents": _specs(content, "put_scrollable"),
        "keep_bottom": bool(keep_bottom),
        "border": bool(border),
    }
    if bounds[0] is not None:
        spec["min_height"] = int(bounds[0])
    if bounds[1] is not None:
        spec["max_height"] = int(bounds[1])
    return _output(spec, scope, position).enable_context_manager()
