"""Form items (``input_group`` inputs; also the ``input`` of a pin output)."""

# No ``from __future__ import annotations`` here: ``TypedDict`` reads
# ``Required[...]`` from the evaluated annotations at class creation (string
# annotations would make every key of a total=False class optional at run
# time), and the TS generator relies on ``__required_keys__``.

import sys
from typing import Any, Final, Literal, TypedDict, Union, get_args, get_type_hints

if sys.version_info >= (3, 11):
    from typing import Required
else:  # pragma: no cover - Python 3.10
    from typing_extensions import Required

from ._common import _tags
from ._outputs_media import BlobRef

__all__ = [
    "INPUT_TYPES",
    "TEXT_INPUT_TYPES",
    "ActionButtonSpec",
    "ActionsInputSpec",
    "CheckboxInputSpec",
    "FileInputSpec",
    "InputActionSpec",
    "InputGroupSpec",
    "InputItemSpec",
    "OptionSpec",
    "RadioInputSpec",
    "SelectInputSpec",
    "SliderInputSpec",
    "TextInputSpec",
    "TextareaInputSpec",
    "UpdateInputAttributes",
    "UpdateInputSpec",
]


class OptionSpec(TypedDict, total=False):
    """One option of a select / checkbox / radio item (every builder sets ``label``)."""

    label: Required[str]
    value: Any
    selected: bool
    disabled: bool


class ActionButtonSpec(TypedDict, total=False):
    """One button of an ``actions`` item (``type`` defaults to submit)."""

    label: Required[str]
    value: Any
    type: Literal["submit", "reset", "cancel"]
    disabled: bool
    color: str


class InputActionSpec(TypedDict):
    """A button shown to the right of a text input (``input(action=...)``)."""

    label: str
    callback_id: str


class _InputItemBase(TypedDict, total=False):
    """Fields every form item may carry.

    Further HTML attributes of the input element (``other_html_attrs``) may be
    present too; the renderer sets them on the control.
    """

    label: str
    name: str
    value: Any
    placeholder: str
    required: bool
    readonly: bool
    disabled: bool
    onchange: bool
    onblur: bool
    auto_focus: bool
    help_text: str


class TextInputSpec(_InputItemBase, total=False):
    """``input()``: one line of text; ``type`` picks the HTML input type."""

    type: Required[
        Literal[
            "text", "number", "float", "password", "url", "date", "time", "color", "datetime-local"
        ]
    ]
    datalist: list[str]
    action: InputActionSpec


class TextareaInputSpec(_InputItemBase, total=False):
    """``textarea()``: multi-line text (``code`` asks for a code editor)."""

    type: Required[Literal["textarea"]]
    rows: int
    code: bool | dict[str, Any]
    #: Extension: the CodeMirror module (``static/code_editor.js``) as a blob, sent
    #: with a code textarea to the anywidget, whose bundle leaves the editor out
    #: (too big); it imports the module from a Blob URL. The server page loads
    #: the editor as a chunk of its own and gets no ``code_module``.
    code_module: BlobRef
    maxlength: int
    minlength: int


class SelectInputSpec(_InputItemBase, total=False):
    """``select()``: a drop-down list (``multiple`` allows several values)."""

    type: Required[Literal["select"]]
    options: Required[list[OptionSpec]]
    multiple: bool


class CheckboxInputSpec(_InputItemBase, total=False):
    """``checkbox()``: check boxes; the value is the list of checked values."""

    type: Required[Literal["checkbox"]]
    options: Required[list[OptionSpec]]
    inline: bool


class RadioInputSpec(_InputItemBase, total=False):
    """``radio()``: radio buttons; the value is the chosen one or null."""

    type: Required[Literal["radio"]]
    options: Required[list[OptionSpec]]
    inline: bool


class ActionsInputSpec(_InputItemBase, total=False):
    """``actions()``: a row of buttons; the clicked submit button gives the value."""

    type: Required[Literal["actions"]]
    buttons: Required[list[ActionButtonSpec]]


class FileInputSpec(_InputItemBase, total=False):
    """``file_upload()``: choose files (sizes in bytes)."""

    type: Required[Literal["file"]]
    accept: str
    multiple: bool
    max_size: int
    max_total_size: int


class SliderInputSpec(_InputItemBase, total=False):
    """``slider()``: a range input; ``float`` says whether the value is a float."""

    type: Required[Literal["slider"]]
    min_value: float
    max_value: float
    step: float
    float: bool


InputItemSpec = Union[  # noqa: UP007 - a runtime alias the TS generator reads
    TextInputSpec,
    TextareaInputSpec,
    SelectInputSpec,
    CheckboxInputSpec,
    RadioInputSpec,
    ActionsInputSpec,
    FileInputSpec,
    SliderInputSpec,
]


class InputGroupSpec(TypedDict, total=False):
    """``input_group``: show a form."""

    label: str
    inputs: Required[list[InputItemSpec]]
    cancelable: bool


class UpdateInputAttributes(TypedDict, total=False):
    """Fields of an input item to change; other item fields may appear too."""

    valid_status: bool | int
    value: Any
    label: str
    placeholder: str
    invalid_feedback: str
    #: Extension: the key of ``invalid_feedback`` in the renderer's table of strings
    #: (required, integer, number, option), which shows the message in the browser's
    #: language; ``invalid_feedback`` is the English fallback.
    invalid_feedback_key: str
    #: Extension: values for the ``{0}``, ``{1}`` of that string (e.g. a length limit).
    invalid_feedback_args: list[Any]
    valid_feedback: str
    help_text: str
    options: list[OptionSpec]
    disabled: bool
    readonly: bool


class UpdateInputSpec(TypedDict, total=False):
    """``update_input``: change an item of the form shown for this task."""

    target_name: Required[str]
    target_value: str
    attributes: Required[UpdateInputAttributes]


#: Every ``type`` of a form item.
INPUT_TYPES: Final[tuple[str, ...]] = _tags(InputItemSpec, "type")
#: The ``type`` values of ``input()`` (one line of text).
TEXT_INPUT_TYPES: Final[tuple[str, ...]] = get_args(get_type_hints(TextInputSpec)["type"])
