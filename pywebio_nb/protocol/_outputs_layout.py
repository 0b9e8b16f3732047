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
    """``put_scrollable``: a box of fixed height around ``contents``."""

    type: Required[Literal["scrollable"]]
    contents: list["OutputSpec"]
    min_height: int
    max_height: int
    keep_bottom: bool
    border: bool


class LayoutOutputSpec(_OutputBase, total=False):
    """``put_row`` / ``put_column`` / ``put_grid``: ``contents`` laid out in a line or grid."""

    type: Required[Literal["row", "column", "grid"]]
    contents: list["OutputSpec"]


class TabSpec(TypedDict):
    """One tab of a ``tabs`` output."""

    title: str
    content: Union[str, "OutputSpec", list["OutputSpec"]]


class TabsOutputSpec(_OutputBase, total=False):
    """``put_tabs``: tabs, the first one shown."""

    type: Required[Literal["tabs"]]
    tabs: Required[list[TabSpec]]
