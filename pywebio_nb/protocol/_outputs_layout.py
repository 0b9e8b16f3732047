"""Output specs of the layout family: scope, scrollable, row/column/grid, tabs, ..."""

# No ``from __future__ import annotations`` here: ``TypedDict`` reads
# ``Required[...]`` from the evaluated annotations at class creation (string
# annotations would make every key of a total=False class optional at run
# time), and the TS generator relies on ``__required_keys__``.

import sys
from typing import TYPE_CHECKING, Literal, TypedDict, Union

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
    "CollapseOutputSpec",
    "GridOutputSpec",
    "LayoutOutputSpec",
    "ScopeOutputSpec",
    "ScrollableOutputSpec",
    "TabSpec",
    "TabsOutputSpec",
]


class ScopeOutputSpec(_OutputBase, total=False):
    """``put_scope``: a named scope (``dom_id``) holding ``contents``."""

    type: Required[Literal["scope"]]
    dom_id: Required[str]
    contents: list["OutputSpec"]


class ScrollableOutputSpec(_OutputBase, total=False):
    """``put_scrollable``: a box around ``contents`` that scrolls past ``max_height``.

    A missing height bound means no bound; ``keep_bottom`` keeps the box
    scrolled to the bottom as content is added (until the user scrolls up).
    """

    type: Required[Literal["scrollable"]]
    contents: list["OutputSpec"]
    min_height: int
    max_height: int
    keep_bottom: bool
    border: bool


class LayoutOutputSpec(_OutputBase, total=False):
    """``put_row`` / ``put_column``: ``contents`` in one CSS grid line.

    ``size`` is the CSS ``grid-template-columns`` (row) or
    ``grid-template-rows`` (column) value, one width per item, e.g.
    ``"1fr 10px 1fr"``. Extension: PyWebIO sends these as ``custom_widget``
    templates; here they are typed outputs (a gap is an empty ``html`` output).
    """

    type: Required[Literal["row", "column"]]
    contents: list["OutputSpec"]
    size: str


class GridOutputSpec(_OutputBase, total=False):
    """``put_grid``: ``contents`` (row by row, short rows padded) placed in a CSS grid.

    ``cell_widths``/``cell_heights`` are ``grid-template-columns``/``-rows``;
    ``direction`` is ``grid-auto-flow``; spans travel as each cell's ``style``
    (``grid-row-start: span R; grid-column-start: span C``), as in PyWebIO.
    Extension: PyWebIO sends a ``custom_widget`` template instead.
    """

    type: Required[Literal["grid"]]
    contents: list["OutputSpec"]
    cell_widths: str
    cell_heights: str
    direction: Literal["row", "column"]


class CollapseOutputSpec(_OutputBase, total=False):
    """``put_collapse``: a ``<details>`` with ``title`` (text) over ``contents``.

    Extension: PyWebIO sends a ``custom_widget`` template instead.
    """

    type: Required[Literal["collapse"]]
    title: Required[str]
    contents: list["OutputSpec"]
    open: bool


class TabSpec(TypedDict):
    """One tab of a ``tabs`` output."""

    title: str
    content: Union[str, "OutputSpec", list["OutputSpec"]]


class TabsOutputSpec(_OutputBase, total=False):
    """``put_tabs``: tabs, the first one shown."""

    type: Required[Literal["tabs"]]
    tabs: Required[list[TabSpec]]
