"""``put_table`` and ``span``: tables of text and nested outputs.

A table travels as its rows of cells (the first row is the header) plus a
``span`` map ``"row,col" -> {"row": n, "col": m}`` indexed by the cell's
place in its row list, as the renderer builds the ``<table>`` from them.
A pandas ``DataFrame`` is accepted as ``tdata`` without pandas ever being
imported here: it is recognised by its type's module.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..protocol import OutputSpec, TableOutputSpec
from ._core import Output, _output

__all__ = ["put_table", "span"]


@dataclass(frozen=True)
class _Span:
    """A cell content spanning ``row`` rows and ``col`` columns (see :func:`span`)."""

    content: Any
    row: int = 1
    col: int = 1


def span(content: Any, row: int = 1, col: int = 1) -> Any:
    """Make a cell of :func:`put_table` (or of ``put_grid``) span several cells.

    :param content: the cell's content: a string or a ``put_xxx()`` call.
    :param row: how many rows the cell spans (vertical span).
    :param col: how many columns the cell spans (horizontal span).

    Example::

        put_table([
            ['C'],
            [span('E', col=2)],  # 'E' across 2 columns
        ], header=[span('A', row=2), 'B'])  # 'A' across 2 rows
    """
    if not isinstance(row, int) or not isinstance(col, int) or row < 1 or col < 1:
        raise ValueError(f"span() needs row >= 1 and col >= 1, got row={row!r}, col={col!r}")
    return _Span(content, row, col)


def _is_dataframe(value: Any) -> bool:
    """A pandas DataFrame, recognised without importing pandas."""
    cls = type(value)
    return cls.__name__ == "DataFrame" and cls.__module__.partition(".")[0] == "pandas"


def _label(value: Any) -> str:
    """A DataFrame header or index label as text (tuples of MultiIndex levels joined)."""
    if isinstance(value, tuple):
        return " ".join(str(v) for v in value if str(v))
    return "" if value is None else str(value)


def _missing(value: Any) -> Any:
    """A float NaN shows as pandas shows it ("NaN", not Python's "nan")."""
    return "NaN" if isinstance(value, float) and value != value else value


def _from_dataframe(frame: Any, header: Sequence[Any] | None) -> list[list[Any]]:
    """Header row + data rows of a DataFrame: the index first, as pandas shows it.

    ``header`` picks (and orders) columns, either as column keys or as
    ``(label, key)`` pairs; by default every column is shown.
    """
    columns = list(frame.columns)
    labels: list[Any]
    if header is None:
        keys, labels = columns, [_label(c) for c in columns]
    else:
        pairs = [h if isinstance(h, tuple) and len(h) == 2 else (h, h) for h in header]
        labels = [lab if isinstance(lab, (Output, _Span)) else _label(lab) for lab, _ in pairs]
        keys = [key for _, key in pairs]
        missing = [k for k in keys if k not in columns]
        if missing:
            raise ValueError(
                f"put_table(): header names columns {missing!r}; the DataFrame has {columns!r}"
            )
    index_names = [_label(n) for n in frame.index.names]
    rows: list[list[Any]] = [[*index_names, *labels]]
    positions = [columns.index(k) for k in keys]
    for index_value, *values in frame.itertuples(index=True, name=None):
        index_cells = list(index_value) if isinstance(index_value, tuple) else [index_value]
        rows.append([*index_cells, *(_missing(values[i]) for i in positions)])
    return rows


def _rows(tdata: Any, header: Sequence[Any] | None) -> list[list[Any]]:
    """All rows, header first (when there is one), as lists of raw cells."""
    if _is_dataframe(tdata):
        return _from_dataframe(tdata, header)
    data = list(tdata)
    header_row = list(header) if header is not None else None
    if data and all(isinstance(row, Mapping) for row in data):
        if header_row is None:
            header_row = list(data[0].keys())
        pairs = [h if isinstance(h, tuple) and len(h) == 2 else (h, h) for h in header_row]
        keys = [key for _, key in pairs]
        return [[label for label, _ in pairs], *([row.get(k, "") for k in keys] for row in data)]
    rows = [list(row) for row in data]
    if header_row is not None:
        rows.insert(0, header_row)
    return rows


def _cell(value: Any) -> str | OutputSpec:
    """A cell on the wire: text, or the spec of a ``put_xxx()`` call."""
    if isinstance(value, Output):
        return value.embed_data()
    return str(value)


def put_table(
    tdata: Any,
    header: Sequence[Any] | None = None,
    scope: str | int | None = None,
    position: int = -1,
) -> Output:
    """Output a table.

    :param tdata: the table's data: a two-dimensional list, or a list of
        dicts. A cell is a string (shown as text, never HTML), any other
        value (``str()`` of it) or a ``put_xxx()`` call; :func:`span` makes
        a cell span rows or columns. A pandas ``DataFrame`` is accepted too:
        its index comes first, headed by the index's name, then its columns.
    :param header: the header row. For a list of lists, it is put above the
        data (without it, the first row of ``tdata`` is the header). For a
        list of dicts (or a DataFrame), it names the keys (columns) to show,
        in order, each as a key or as a ``(label, key)`` pair; without it the
        keys of the first dict (all columns) are shown. Header items may use
        :func:`span` and ``put_xxx()`` calls too.
    :param scope, position: as for :func:`put_text`.

    Example::

        put_table([
            [span('Name', row=2), span('Address', col=2)],
            ['City', 'Country'],
            ['Wang', 'Beijing', 'China'],
            ['Liu', 'New York', 'America'],
        ])
    """
    data: list[list[str | OutputSpec]] = []
    spans: dict[str, dict[str, int]] = {}
    for r, row in enumerate(_rows(tdata, header)):
        cells: list[str | OutputSpec] = []
        for c, value in enumerate(row):
            if isinstance(value, _Span):
                if value.row > 1 or value.col > 1:
                    spans[f"{r},{c}"] = {"row": value.row, "col": value.col}
                value = value.content
            cells.append(_cell(value))
        data.append(cells)
    spec: TableOutputSpec = {"type": "table", "data": data}
    if spans:
        spec["span"] = spans
    return _output(spec, scope, position)
