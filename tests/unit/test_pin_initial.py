"""The page model's initial pin values agree with the renderer (shared table, STYLE rule 10).

``tests/conformance/pin_initial.json`` lists form items and the value the
renderer's view starts with; Vitest (``js/test/pins_initial.test.ts``) checks the
views, this test checks :func:`initial_pin_value`, which the page model uses to
answer ``pin.name`` without asking the browser.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pywebio_nb.session._page_model import UNKNOWN, initial_pin_value

TABLE = Path(__file__).resolve().parents[1] / "conformance" / "pin_initial.json"
CASES: list[dict[str, Any]] = json.loads(TABLE.read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_initial_pin_value(case: dict[str, Any]) -> None:
    value = initial_pin_value(case["item"])
    if case.get("unknown"):
        assert value is UNKNOWN
    else:
        assert value == case["value"]
