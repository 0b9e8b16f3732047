"""The collector thresholds a foreground server runs with (``platform._gc``)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from pywebio_nb.platform._gc import FULL_COLLECTION_AFTER, server_gc


@pytest.fixture
def thresholds() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def test_full_collections_rarer_while_serving_then_restored(thresholds: None) -> None:
    with server_gc():
        assert gc.get_threshold() == (700, 10, FULL_COLLECTION_AFTER)
    assert gc.get_threshold() == (700, 10, 10)


def test_thresholds_the_process_chose_are_kept(thresholds: None) -> None:
    gc.set_threshold(5000, 20, 20)
    with server_gc():
        assert gc.get_threshold() == (5000, 20, 20)
    assert gc.get_threshold() == (5000, 20, 20)


def test_a_change_made_while_serving_is_not_undone(thresholds: None) -> None:
    with server_gc():
        gc.set_threshold(1000, 10, 10)
    assert gc.get_threshold() == (1000, 10, 10)
