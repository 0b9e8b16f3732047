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
    "normalize_action_buttons",
    "normalize_entries",
    "normalize_options",
    "normalize_output_buttons",
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
