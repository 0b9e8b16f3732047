"""Output widgets: the ``output`` command's spec union and the specs outside the families.

The per-type specs live in one module per family (``_outputs_content``,
``_outputs_layout``, ``_outputs_media``); :data:`OutputSpec`, the one union
of them all, and :data:`OUTPUT_TYPES` (read from it) are defined here.
"""

# No ``from __future__ import annotations`` here: ``TypedDict`` reads
# ``Required[...]`` from the evaluated annotations at class creation (string
# annotations would make every key of a total=False class optional at run
# time), and the TS generator relies on ``__required_keys__``.

import sys
from typing import Any, Final, Literal, TypedDict, Union

if sys.version_info >= (3, 11):
    from typing import Required
else:  # pragma: no cover - Python 3.10
    from typing_extensions import Required

from . import _outputs_content, _outputs_layout, _outputs_media
from ._common import _OutputBase, _tags
from ._inputs import InputItemSpec
from ._outputs_content import (
    CodeOutputSpec,
    HtmlOutputSpec,
    LinkOutputSpec,
    LoadingOutputSpec,
    MarkdownOutputSpec,
    MessageOutputSpec,
    ProcessbarOutputSpec,
    TableOutputSpec,
    TextOutputSpec,
    WidgetOutputSpec,
)
from ._outputs_layout import (
    CollapseOutputSpec,
    GridOutputSpec,
    LayoutOutputSpec,
    ScopeOutputSpec,
    ScrollableOutputSpec,
    TabsOutputSpec,
)
from ._outputs_media import FileOutputSpec, ImageOutputSpec

__all__ = [
    "OUTPUT_TYPES",
    "ButtonsOutputSpec",
    "OutputButtonSpec",
    "OutputSpec",
    "PinOutputSpec",
]


class OutputButtonSpec(TypedDict, total=False):
    """One button of a ``buttons`` output; ``value`` is what the click event carries."""

    label: Required[str]
    value: Any
    disabled: bool
    color: str


class ButtonsOutputSpec(_OutputBase, total=False):
    """``put_buttons`` / ``put_button``: a click sends ``callback`` with the button's value."""

    type: Required[Literal["buttons"]]
    callback_id: Required[str]
    buttons: Required[list[OutputButtonSpec]]
    small: bool
    group: bool
    link: bool
    outline: bool


class PinOutputSpec(_OutputBase, total=False):
    """A pin widget (``pywebio.pin``): a form item outside any form."""

    type: Required[Literal["pin"]]
    input: Required[InputItemSpec]


OutputSpec = Union[  # noqa: UP007 - a runtime alias the TS generator reads
    TextOutputSpec,
    MarkdownOutputSpec,
    HtmlOutputSpec,
    CodeOutputSpec,
    TableOutputSpec,
    MessageOutputSpec,
    LinkOutputSpec,
    ProcessbarOutputSpec,
    LoadingOutputSpec,
    WidgetOutputSpec,
    ButtonsOutputSpec,
    ScopeOutputSpec,
    ScrollableOutputSpec,
    LayoutOutputSpec,
    GridOutputSpec,
    CollapseOutputSpec,
    TabsOutputSpec,
    FileOutputSpec,
    ImageOutputSpec,
    PinOutputSpec,
]


# The family modules name "OutputSpec" in string annotations; bind it there so
# ``get_type_hints`` (below, and in the TS generator) can resolve them.
for _family in (_outputs_content, _outputs_layout, _outputs_media):
    vars(_family)["OutputSpec"] = OutputSpec

#: Every ``type`` of an ``output`` spec.
OUTPUT_TYPES: Final[tuple[str, ...]] = _tags(OutputSpec, "type")
