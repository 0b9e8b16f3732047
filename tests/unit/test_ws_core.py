"""Pure helpers of the shared WebSocket core (platform/_ws_core.py)."""

from __future__ import annotations

import pytest

from pywebio_nb.platform._ws_core import too_big


@pytest.mark.parametrize(
    ("message", "limit", "expected"),
    [
        (b"x" * 10, 10, False),
        (b"x" * 11, 10, True),
        ("x" * 10, 10, False),
        ("x" * 11, 10, True),
        ("é" * 5, 10, False),  # 10 bytes as UTF-8
        ("é" * 6, 10, True),  # 6 characters but 12 bytes
        ("😀" * 3, 12, False),
        ("😀" * 3, 11, True),
    ],
)
def test_too_big_counts_utf8_bytes(message: str | bytes, limit: int, expected: bool) -> None:
    assert too_big(message, limit) is expected
