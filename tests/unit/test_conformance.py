"""The page model agrees with the shared conformance table (STYLE rule 10).

``tests/conformance/output_tree.json`` is ONE table of cases, commands in and
output tree out; Vitest runs the same cases against the DOM renderer, so the
page model (what reloads, second views and the static export render from) and
the browser agree by test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pywebio_nb.session._page_model import ROOT, PageModel, ScopeNode

TABLE = Path(__file__).resolve().parents[1] / "conformance" / "output_tree.json"
CASES: list[dict[str, Any]] = json.loads(TABLE.read_text(encoding="utf-8"))["cases"]


def _tree(node: ScopeNode) -> list[Any]:
    """The table's notation: a string per output (its text), {scope, children} per scope."""
    result: list[Any] = []
    for child in node.children:
        if isinstance(child, ScopeNode):
            result.append({"scope": child.name, "children": _tree(child)})
        else:
            content = child.get("content")
            assert isinstance(content, str), f"no text to compare for {child!r}"
            result.append(content)
    return result


def test_the_table_has_cases() -> None:
    assert len(CASES) >= 20
    assert len({case["name"] for case in CASES}) == len(CASES), "case names must be unique"


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_page_model_builds_the_expected_tree(case: dict[str, Any]) -> None:
    model = PageModel()
    for command in case["commands"]:
        model.apply(command, "page")
    assert _tree(model.root("page")) == case["tree"]
    assert model.root("page").name == ROOT
