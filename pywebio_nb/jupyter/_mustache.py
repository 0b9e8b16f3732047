"""A small mustache subset for the static copy of ``put_widget`` (see ``_static_html``).

The live renderer draws ``put_widget`` with mustache.js; a saved notebook has no
script, so its static HTML renders the template here. Supported: variables
(``{{name}}`` escaped, ``{{{name}}}`` and ``{{& name}}`` raw), dotted names and
``{{.}}``, sections (``{{#name}}`` over a list, a mapping or a truthy value) and
inverted sections (``{{^name}}``), comments. Partials and delimiter changes render
nothing. ``{{& pywebio_output_parse}}`` on an output spec becomes a *slot*: the
caller gets the spec back and the marker to replace with its rendering; on any
other item it is the item's text, escaped.

The result is the app's HTML: the caller sanitizes it before use.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["MAX_TEMPLATE", "render_template"]

#: Characters of template rendered at most (a longer one renders nothing).
MAX_TEMPLATE = 100_000
_MAX_DEPTH = 20

_TAG = re.compile(r"\{\{\{\s*([^}]*?)\s*\}\}\}|\{\{\s*([#^/&!>=]?)\s*([^}]*?)\s*\}\}")


@dataclass
class _Section:
    name: str
    inverted: bool
    children: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class _Var:
    name: str
    escape: bool


def _parse(template: str) -> list[Any]:
    root: list[Any] = []
    stack: list[tuple[str, list[Any]]] = [("", root)]
    position = 0
    for match in _TAG.finditer(template):
        stack[-1][1].append(template[position : match.start()])
        position = match.end()
        if match.group(1) is not None:  # {{{name}}}
            stack[-1][1].append(_Var(match.group(1), escape=False))
            continue
        sigil, name = match.group(2), match.group(3)
        if sigil in ("#", "^"):
            section = _Section(name, inverted=sigil == "^")
            stack[-1][1].append(section)
            stack.append((name, section.children))
        elif sigil == "/":
            if len(stack) > 1 and stack[-1][0] == name:
                stack.pop()
        elif sigil == "&":
            stack[-1][1].append(_Var(name, escape=False))
        elif sigil == "":
            stack[-1][1].append(_Var(name, escape=True))
        # "!" comments, ">" partials and "=" delimiter changes render nothing
    stack[-1][1].append(template[position:])
    return root


def _lookup(name: str, context: Sequence[Any]) -> Any:
    if name == ".":
        return context[-1]
    first, *rest = name.split(".")
    for frame in reversed(context):
        if isinstance(frame, dict) and first in frame:
            value = frame[first]
            break
    else:
        return None
    for part in rest:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _is_spec(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("type"), str)


def render_template(template: str, data: Any, marker: str) -> tuple[str, list[Any]]:
    """(HTML, slots): ``template`` rendered with ``data``; slot ``i`` is ``marker + str(i) +
    marker`` in the HTML and stands for the output spec ``slots[i]``."""
    if len(template) > MAX_TEMPLATE:
        return "", []
    slots: list[Any] = []
    parts: list[str] = []

    def render(nodes: list[Any], context: list[Any], depth: int) -> None:
        if depth > _MAX_DEPTH:
            return
        for node in nodes:
            if isinstance(node, str):
                parts.append(node)
            elif isinstance(node, _Var):
                if node.name == "pywebio_output_parse":
                    item = context[-1]
                    if _is_spec(item):
                        parts.append(f"{marker}{len(slots)}{marker}")
                        slots.append(item)
                    else:
                        parts.append(html.escape(_text(item)))
                    continue
                value = _text(_lookup(node.name, context))
                parts.append(html.escape(value) if node.escape else value)
            else:
                value = _lookup(node.name, context)
                empty = value is None or value is False or value == [] or value == ""
                if node.inverted:
                    if empty:
                        render(node.children, context, depth + 1)
                elif isinstance(value, list):
                    for item in value:
                        render(node.children, [*context, item], depth + 1)
                elif not empty:
                    render(node.children, [*context, value], depth + 1)

    render(_parse(template), [data if isinstance(data, dict) else {}], 0)
    return "".join(parts), slots
