"""protocol.dumps_batch: the wire JSON of a batch, with orjson when installed and without."""

from __future__ import annotations

import dataclasses
import datetime
import json
from typing import Any

import pytest

from pywebio_nb.protocol import _encode, dumps_batch, dumps_batch_utf8


@pytest.fixture(params=["orjson", "stdlib"])
def encoder(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with orjson (when installed) and with the standard library only."""
    if request.param == "orjson":
        pytest.importorskip("orjson")
        assert _encode._orjson_dumps is not None
    else:
        monkeypatch.setattr(_encode, "_orjson_dumps", None)
    return str(request.param)


BATCHES: list[Any] = [
    [{"command": "output", "task_id": None, "spec": {"type": "text", "content": "héllo ✓ 😀"}}],
    [{"command": "output", "task_id": "t-1", "spec": {"position": -1, "inline": False}}],
    [{"spec": {"nested": [[1, 2.5, None, True], {"a": ""}], "tuple": (1, 2)}}],
    [{"int keys": {1: "a", 2.5: "b", None: "c", False: "d"}}],
    [{"big": 2**70, "neg": -(2**70)}],  # past 64 bits: orjson refuses, the stdlib writes it
    [{"deep": json.loads("[" * 300 + "]" * 300)}],  # past orjson's 255 levels
    [{"surrogate": "\ud800"}],  # a lone surrogate: orjson refuses, the stdlib writes it
    [],
]


@pytest.mark.parametrize("batch", BATCHES)
def test_same_json_as_the_standard_library(encoder: str, batch: Any) -> None:
    text = dumps_batch(batch)
    assert isinstance(text, str)
    # The very text the standard library writes (compact, UTF-8 text not escaped).
    assert text == json.dumps(batch, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize("batch", BATCHES)
def test_utf8_bytes_read_back_as_the_text(encoder: str, batch: Any) -> None:
    data = dumps_batch_utf8(batch)
    assert isinstance(data, bytes)
    assert json.loads(data.decode()) == json.loads(dumps_batch(batch))
    if "\ud800" not in dumps_batch(batch):
        assert data == dumps_batch(batch).encode()
    else:  # UTF-8 has no lone surrogate: it travels as a JSON escape
        assert b"\\ud800" in data


@pytest.mark.parametrize(
    "value",
    [object(), datetime.date(2026, 1, 1), dataclasses.make_dataclass("D", ["x"])(1), {1, 2}],
    ids=["object", "date", "dataclass", "set"],
)
def test_what_json_refuses_is_refused_either_way(encoder: str, value: Any) -> None:
    # orjson would turn dates and dataclasses into JSON: the wire must not depend on it.
    with pytest.raises(TypeError):
        dumps_batch([{"spec": value}])


def test_circular_batch_raises(encoder: str) -> None:
    batch: list[Any] = []
    batch.append(batch)
    with pytest.raises((ValueError, TypeError, RecursionError)):
        dumps_batch(batch)


def test_non_finite_floats(encoder: str) -> None:
    # The documented difference: orjson writes null, which the browser can parse.
    value = json.loads(dumps_batch([float("nan")]).replace("NaN", "null"))
    assert value == [None]


def test_keys_that_are_not_strings_keep_orjsons_json() -> None:
    # A second orjson try (with its non-string-key option) rather than the
    # standard library: the batch keeps orjson's null for a NaN.
    pytest.importorskip("orjson")
    assert dumps_batch([{1: float("nan"), "a": {2.5: True}}]) == '[{"1":null,"a":{"2.5":true}}]'
