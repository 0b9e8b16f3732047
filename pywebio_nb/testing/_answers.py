"""What a scripted user answers: requests as the frontend sees them, answer policies, encoding.

The frontend sees every question the notebook asks as a :class:`Request`: a
form (``input``, ``input_group``, ``actions``, ``select``, ``file_upload`` ...)
or an ``eval_js`` expression. An *answer policy* turns a request into the value
a user would give; :func:`encode_field` turns that value into what the browser
sends (option *labels* become the option indexes the wire carries, a file
becomes its bytes).
"""

from __future__ import annotations

import os
import pathlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "NO_ANSWER",
    "Click",
    "Field",
    "Request",
    "SetPin",
    "Upload",
    "click",
    "encode_field",
    "set_pin",
]


class _NoAnswer:
    def __repr__(self) -> str:
        return "NO_ANSWER"


#: What an answer function returns (or a mapping lookup finds) for "no answer".
NO_ANSWER: Any = _NoAnswer()


@dataclass(frozen=True)
class Click:
    """A step: click the button labelled ``label`` once it is shown (see :func:`click`)."""

    label: str


@dataclass(frozen=True)
class SetPin:
    """A step: change the pin widget ``name`` to ``value`` (see :func:`set_pin`)."""

    name: str
    value: Any


def click(label: str) -> Click:
    """A step of an answer list: click the button labelled ``label``.

    The step waits until a button with that label is shown (``put_buttons``,
    ``put_button``, or a button of a pending ``actions()`` form), then clicks
    it, as a user would; the last one shown is clicked when several match.
    """
    return Click(label)


def set_pin(name: str, value: Any) -> SetPin:
    """A step of an answer list: change the pin widget ``name`` to ``value``.

    Waits until the widget is shown, then changes it as a user typing or
    choosing would (``pin_wait_change`` returns, ``pin_on_change`` callbacks
    run). Options are given by their label, as for inputs.
    """
    return SetPin(name, value)


@dataclass(frozen=True)
class Upload:
    """A file given as an answer to ``file_upload``: a name and its bytes."""

    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"


@dataclass(frozen=True)
class Field:
    """One input of a form, as the browser shows it."""

    #: The input's name (``name=`` of ``input_group`` items; generated for a single input).
    name: str
    #: Its label (the text shown above it), "" when none.
    label: str
    #: The item type on the wire: text, number, float, password, textarea, select,
    #: checkbox, radio, actions, file, slider, date, ...
    type: str
    #: The labels of its options (select, checkbox, radio) or buttons (actions).
    options: tuple[str, ...] = ()
    #: Whether it takes several values (checkbox, ``select(multiple=True)``,
    #: ``file_upload(multiple=True)``).
    multiple: bool = False
    spec: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class Request:
    """A question the notebook asks the (scripted) user.

    ``kind`` is ``"form"`` (any input function) or ``"eval_js"``. For a form,
    ``fields`` are its inputs and ``label`` the group's label, or the single
    input's label when ``single``; for ``eval_js``, ``label`` is the expression.
    ``cell`` is the index of the running cell (None between cells).
    """

    kind: Literal["form", "eval_js"]
    label: str
    fields: tuple[Field, ...] = ()
    single: bool = True
    cell: int | None = None

    def describe(self) -> str:
        """How error messages name this request."""
        if self.kind == "eval_js":
            what = f"eval_js({self.label!r})"
        elif self.single and self.fields:
            f = self.fields[0]
            what = f"{_function_of(f)} {f.label or f.name!r}"
            if f.label:
                what = f"{_function_of(f)} {f.label!r}"
        else:
            names = ", ".join(repr(f.label or f.name) for f in self.fields)
            what = f"input_group {self.label!r} ({names})"
        where = f" in cell {self.cell}" if self.cell is not None else ""
        return what + where


def _function_of(f: Field) -> str:
    return {
        "textarea": "textarea",
        "select": "select",
        "checkbox": "checkbox",
        "radio": "radio",
        "actions": "actions",
        "file": "file_upload",
        "slider": "slider",
    }.get(f.type, "input")


def request_of_form(spec: Mapping[str, Any], cell: int | None) -> Request:
    """The :class:`Request` an ``input_group`` command's spec asks."""
    fields = []
    for item in spec.get("inputs", []):
        kind = str(item.get("type", "text"))
        choices = item.get("buttons") if kind == "actions" else item.get("options")
        fields.append(
            Field(
                name=str(item.get("name", "")),
                label=str(item.get("label", "") or ""),
                type=kind,
                options=tuple(str(c.get("label", "")) for c in choices or []),
                multiple=kind == "checkbox" or bool(item.get("multiple")),
                spec=item,
            )
        )
    # A single input function sends a group without a label and one item.
    single = len(fields) == 1 and not spec.get("label")
    return Request("form", str(spec.get("label", "") or ""), tuple(fields), single, cell)


Answers = Sequence[Any] | Mapping[str, Any] | Callable[[Request], Any]


def lookup(answers: Mapping[str, Any], request: Request) -> Any:
    """The value a mapping gives ``request`` (NO_ANSWER when it has none).

    A form's inputs are looked up by name, then by label; a group may also be
    answered as a whole by its label (a mapping of its inputs). ``eval_js`` is
    looked up by its expression, then by the key ``"eval_js"``.
    """
    if request.kind == "eval_js":
        for key in (request.label, "eval_js"):
            if key in answers:
                return answers[key]
        return NO_ANSWER
    if request.single:
        return _field_value(answers, request.fields[0])
    if request.label and isinstance(answers.get(request.label), Mapping):
        answers = answers[request.label]
    values: dict[str, Any] = {}
    for f in request.fields:
        value = _field_value(answers, f)
        if value is NO_ANSWER:
            if f.type == "actions" or f.spec.get("required"):
                return NO_ANSWER
            continue  # an optional input left as it is
        values[f.name] = value
    return values


def _field_value(answers: Mapping[str, Any], f: Field) -> Any:
    for key in (f.name, f.label):
        if key and key in answers:
            return answers[key]
    return NO_ANSWER


def group_values(request: Request, value: Any) -> dict[str, Any]:
    """A group's answer keyed by input name (a mapping by name or label)."""
    if request.single:
        return {request.fields[0].name: value}
    if not isinstance(value, Mapping):
        raise TypeError(
            f"the answer to {request.describe()} must be a mapping of its inputs' names "
            f"or labels to values, got {value!r}"
        )
    by_name: dict[str, Any] = {}
    for f in request.fields:
        for key in (f.name, f.label):
            if key and key in value:
                by_name[f.name] = value[key]
                break
    unknown = set(value) - {f.name for f in request.fields} - {f.label for f in request.fields}
    if unknown:
        raise KeyError(
            f"the answer to {request.describe()} names no input called {sorted(unknown)!r}"
        )
    return by_name


def encode_field(f: Field, value: Any) -> tuple[Any, list[Upload]]:
    """What the browser sends for ``value`` in input ``f``, and the files to upload first."""
    if f.type in ("select", "radio", "checkbox", "actions"):
        if f.multiple:
            values = list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]
            return [_option_index(f, v) for v in values], []
        return (None if value is None else _option_index(f, value)), []
    if f.type == "file":
        items = value if isinstance(value, (list, tuple)) else [value]
        uploads = [_upload_of(f, item) for item in items if item is not None]
        return uploads, uploads  # entries are made by the frontend (it names the blobs)
    if f.type == "slider":
        return value, []
    # text-like inputs: the browser sends the control's string
    return (None if value is None else value if isinstance(value, str) else str(value)), []


def _option_index(f: Field, value: Any) -> int:
    label = str(value)
    if label in f.options:
        return f.options.index(label)
    raise ValueError(
        f"{value!r} is not an option of {_function_of(f)} {f.label or f.name!r}; "
        f"its options are {list(f.options)!r} (answer with an option's label)"
    )


def _upload_of(f: Field, item: Any) -> Upload:
    if isinstance(item, Upload):
        return item
    if isinstance(item, (bytes, bytearray, memoryview)):
        return Upload(f"{f.name or 'file'}.bin", bytes(item))
    if isinstance(item, (str, os.PathLike)):
        path = pathlib.Path(item)
        if not path.is_file():
            raise FileNotFoundError(
                f"the answer to file_upload {f.label or f.name!r} names no file: {str(path)!r}"
            )
        return Upload(path.name, path.read_bytes())
    if isinstance(item, Mapping) and "content" in item:
        return Upload(
            str(item.get("filename", f"{f.name or 'file'}.bin")),
            bytes(item["content"]),
            str(item.get("mime_type", "application/octet-stream")),
        )
    raise TypeError(
        f"the answer to file_upload {f.label or f.name!r} must be bytes, a path, a "
        f"testing.Upload or a dict with 'content' (or a list of them), got {item!r}"
    )
