"""The JSON text of a batch of commands, as it goes on the wire.

Encoding is a large share of what an output costs (``put_text`` in a loop:
about 1.5 us of the standard library's JSON per command, 0.2 us with
``orjson``), so batches are encoded by ``orjson`` (a dependency; without it,
e.g. on a platform with no wheel, the standard library's encoder does all of
it). Anything ``orjson`` refuses (an integer past 64 bits, a string with a
lone surrogate, nesting past its 255 levels, a dataclass or datetime it would
otherwise turn into JSON by itself) goes through the standard library's
encoder, which either encodes it as before or raises as before. Dict keys that
are not strings become strings either way. The differences from the standard
library alone: a float NaN or infinity becomes ``null``, where the standard
library writes ``NaN``, which the browser's ``JSON.parse`` refuses; an enum
member or a UUID, which the standard library refuses, becomes its value or its
string.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

__all__ = ["dumps_batch", "dumps_batch_utf8"]

#: The standard library's encoder, made once (``json.dumps`` with options
#: builds a new encoder on every call).
_json_encode: Callable[[Any], str] = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":")
).encode

#: The same with every non-ASCII character escaped (for a lone surrogate, which
#: has no UTF-8).
_json_encode_ascii: Callable[[Any], str] = json.JSONEncoder(separators=(",", ":")).encode

_orjson_dumps: Callable[..., bytes] | None
try:
    import orjson
except ImportError:  # a platform without orjson: the standard library only
    _orjson_dumps = None
    _ORJSON_OPTIONS = _ORJSON_NON_STR_KEYS = 0
else:
    _orjson_dumps = orjson.dumps
    # Dataclasses and datetimes are refused (so they fail as they do without
    # orjson) rather than converted.
    _ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME
    # Keys that are not strings, written as the standard library writes them:
    # only on a second try, as the option doubles orjson's time for every dict
    # (put_text in a loop: 190 -> 90 ns per command without it).
    _ORJSON_NON_STR_KEYS = _ORJSON_OPTIONS | orjson.OPT_NON_STR_KEYS


def _orjson_encode(batch: Any) -> bytes | None:
    """``batch``'s JSON by orjson, or None for what it leaves to the standard library."""
    if _orjson_dumps is None:
        return None
    try:
        return _orjson_dumps(batch, option=_ORJSON_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError: a key that is not a string?
        pass
    try:
        return _orjson_dumps(batch, option=_ORJSON_NON_STR_KEYS)
    except TypeError:  # let the standard encoder decide
        return None


def dumps_batch(batch: Any) -> str:
    """The compact JSON text of ``batch`` (a list of commands; any JSON value works)."""
    data = _orjson_encode(batch)
    return data.decode() if data is not None else _json_encode(batch)


def dumps_batch_utf8(batch: Any) -> bytes:
    """:func:`dumps_batch` as UTF-8 bytes, what a WebSocket text frame carries.

    With ``orjson`` the bytes are its own (no text is made and encoded again:
    two copies of every batch less). A lone surrogate, which UTF-8 cannot
    carry, is written as a JSON escape (``\\ud800``), which reads back the same.
    """
    data = _orjson_encode(batch)
    if data is not None:
        return data
    try:
        return _json_encode(batch).encode()
    except UnicodeEncodeError:  # a lone surrogate
        return _json_encode_ascii(batch).encode()
