"""protocol.loads_event: malformed and too deeply nested messages are refused before parsing."""

from __future__ import annotations

import json
import sys

import pytest

from pywebio_nb.protocol import MAX_NESTING, ProtocolError, loads_event


def test_nesting_up_to_the_limit_is_fine_beyond_it_refused() -> None:
    fine = "[" * MAX_NESTING + "]" * MAX_NESTING
    assert loads_event(fine) is not None
    with pytest.raises(ProtocolError, match="nests deeper"):
        loads_event("[" + fine + "]")
    with pytest.raises(ProtocolError, match="nests deeper"):
        loads_event(b'{"a":' * (MAX_NESTING + 1) + b"1" + b"}" * (MAX_NESTING + 1))


def test_the_limit_does_not_depend_on_the_recursion_limit() -> None:
    deep = "[" * 5000 + "]" * 5000
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(50_000)  # as some libraries do (hypothesis raises it)
    try:
        with pytest.raises(ProtocolError):
            loads_event(deep)
    finally:
        sys.setrecursionlimit(old)


def test_brackets_inside_strings_do_not_count() -> None:
    text = json.dumps({"event": "from_submit", "data": {"t": "[" * 5000 + '"\\\\' + "{" * 300}})
    assert loads_event(text)["data"]["t"].startswith("[[[")


@pytest.mark.parametrize("bad", ["", "[1,", "\x00", b"\xff\xfe", "nan]"])
def test_malformed_json_is_a_protocol_error(bad: str | bytes) -> None:
    with pytest.raises(ProtocolError):
        loads_event(bad)


@pytest.mark.parametrize(
    "text",
    [
        '{"event": "from_submit", "task_id": "form-1", "data": {"data": "x"}}',
        b'{"event": "callback", "task_id": "cb", "data": [1, 2.5, null, true]}',
        '{"a": NaN, "b": Infinity, "c": -Infinity}',  # orjson refuses these
        '["\\ud800", "\\udfff x"]',  # lone surrogate escapes, refused by orjson
        '["\\ud83d\\ude00", "caf\\u00e9", "\\u0000"]',
        '{"a": 1, "a": 2}',
        "[1e400]",
    ],
)
def test_decoded_as_the_standard_library_decodes(text: str | bytes) -> None:
    decoded, expected = loads_event(text), json.loads(text)
    # repr: NaN != NaN, and 1 == 1.0 == True would hide a changed type.
    assert repr(decoded) == repr(expected)
