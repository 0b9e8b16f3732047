"""One normaliser for the option and button lists users write.

``select``/``checkbox``/``radio`` options, ``actions`` buttons and
``put_buttons`` buttons all accept the same three spellings, as the manual
describes: a dict (``{"label": ..., "value": ..., ...}``), a tuple or list
``(label, value, *extras)`` whose extras depend on the widget, or a plain
value that is both label and value. :func:`normalize_entries` applies that rule
once; the typed helpers below name the extras of each widget.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from .protocol import ActionButtonSpec, OptionSpec, OutputButtonSpec

__all__ = [
    "index_options",
    "normalize_action_buttons",
    "normalize_entries",
    "normalize_options",
    "normalize_output_buttons",
    "pick_options",
]

#: Extras converted with bool() (others are kept as given).
_FLAGS = frozenset({"selected", "disabled"})


def normalize_entries(
    entries: Sequence[Any] | None, extras: tuple[str, ...]
) -> list[dict[str, Any]]:
    """Dicts with a ``str`` label for each entry; tuple items after the value fill ``extras``."""
    result: list[dict[str, Any]] = []
    for entry in entries or []:
        if isinstance(entry, dict):
            spec = dict(entry)
        elif isinstance(entry, (list, tuple)):
            spec = {"label": entry[0], "value": entry[1]}
            # Extra tuple items beyond the known extras are ignored, as before.
            for key, extra in zip(extras, entry[2:], strict=False):
                spec[key] = bool(extra) if key in _FLAGS else extra
        else:
            spec = {"label": entry, "value": entry}
        spec["label"] = str(spec.get("label", spec.get("value")))
        result.append(spec)
    return result


def normalize_options(options: Sequence[Any] | None, value: Any = None) -> list[OptionSpec]:
    """Options of select/checkbox/radio: ``(label, value, [selected], [disabled])``.

    ``value`` (one value, or a list for multiple choice) marks options selected.
    """
    selected_values = value if isinstance(value, list) else [value]
    specs = normalize_entries(options, ("selected", "disabled"))
    for spec in specs:
        if value is not None and spec.get("value") in selected_values:
            spec["selected"] = True
    return cast(list[OptionSpec], specs)


def _checked_option(entry: Any, position: int, owner: str) -> None:
    """Refuse an option spelled in none of the manual's formats, saying what is expected."""
    expected = (
        f"{owner} options are dicts {{'label': ..., 'value': ..., 'selected': bool, "
        "'disabled': bool}, tuples (label, value, [selected], [disabled]) or plain values"
    )
    if isinstance(entry, dict):
        if "value" not in entry and "label" not in entry:
            raise ValueError(f"{expected}; option {position} is a dict without 'value': {entry!r}")
        unknown = set(entry) - {"label", "value", "selected", "disabled"}
        if unknown:
            raise ValueError(f"{expected}; option {position} has unknown keys {sorted(unknown)}")
    elif isinstance(entry, (list, tuple)) and not 2 <= len(entry) <= 4:
        raise ValueError(
            f"{expected}; option {position} is a {len(entry)}-item sequence: {entry!r}"
        )


def index_options(
    options: Sequence[Any] | None,
    value: Any = None,
    *,
    owner: str = "select",
    multiple: bool = False,
) -> tuple[list[OptionSpec], list[Any]]:
    """Options of select/checkbox/radio for the wire, and their real values.

    The browser only ever sees each option's *index* as its value and sends
    indexes back; :func:`pick_options` maps them to the real values, so an
    option value may be any Python object and comes back as that same object.
    ``value`` (one value, or a list when ``multiple``) marks options selected.
    """
    if options is None:
        options = []
    if isinstance(options, (str, bytes, dict)) or not isinstance(options, Sequence):
        raise ValueError(
            f"{owner} options must be a list, got {type(options).__name__}: {options!r}"
        )
    for position, entry in enumerate(options):
        _checked_option(entry, position, owner)
    specs = normalize_entries(options, ("selected", "disabled"))
    wanted = list(value) if multiple and isinstance(value, (list, tuple)) else [value]
    real: list[Any] = []
    for index, spec in enumerate(specs):
        option_value = spec.get("value", spec.get("label"))
        real.append(option_value)
        spec["value"] = index
        if value is not None and any(option_value == w for w in wanted):
            spec["selected"] = True
    return cast(list[OptionSpec], specs), real


def pick_options(raw: Any, real: list[Any], *, multiple: bool) -> Any:
    """Map the option indexes a browser sent to the real values (None/[] when none).

    Raises ``LookupError`` naming the bad index when the browser sent something
    that is not an option (a client that does not follow the form).
    """

    def one(index: Any) -> Any:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(real):
            raise LookupError(f"{index!r} is not one of the {len(real)} options")
        return real[index]

    if multiple:
        if raw is None:
            return []
        if not isinstance(raw, list):
            raise LookupError(f"expected a list of options, got {raw!r}")
        return [one(index) for index in raw]
    return None if raw is None else one(raw)


def normalize_action_buttons(buttons: Sequence[Any] | None) -> list[ActionButtonSpec]:
    """Buttons of ``actions()``: ``(label, value, [type], [disabled])``; type defaults to submit."""
    specs = normalize_entries(buttons, ("type", "disabled"))
    for spec in specs:
        spec.setdefault("type", "submit")
    return cast(list[ActionButtonSpec], specs)


def normalize_output_buttons(buttons: Sequence[Any]) -> list[tuple[OutputButtonSpec, Any]]:
    """Buttons of ``put_buttons()``: ``(label, value)``.

    Returns (wire spec whose value is the button's index, real value) pairs:
    the real values, any Python objects, never travel to the browser.
    """
    result: list[tuple[OutputButtonSpec, Any]] = []
    for index, spec in enumerate(normalize_entries(buttons, ())):
        value = spec.get("value", spec.get("label"))
        spec["value"] = index
        result.append((cast(OutputButtonSpec, spec), value))
    return result
