"""pywebio_nb.platform.tornado._Queue behaves as the deque it replaces in an IOStream."""

from __future__ import annotations

import random
from collections import deque

import pytest

from pywebio_nb.platform.tornado import _Queue


@pytest.mark.parametrize("seed", range(20))
def test_random_operations_match_a_deque(seed: int) -> None:
    rng = random.Random(seed)
    queue, reference = _Queue(), deque[int]()
    for step in range(2000):
        operation = rng.random()
        if operation < 0.5:
            queue.append(step)
            reference.append(step)
        elif operation < 0.95:
            if reference:
                assert queue.popleft() == reference.popleft()
            else:
                with pytest.raises(IndexError):
                    queue.popleft()
        elif operation < 0.97:
            queue.clear()
            reference.clear()
        assert len(queue) == len(reference) and bool(queue) == bool(reference)
        assert list(queue) == list(reference)
        if reference:
            assert (queue[0], queue[-1]) == (reference[0], reference[-1])
        else:
            with pytest.raises(IndexError):
                queue[0]
            with pytest.raises(IndexError):
                queue[-1]


def test_a_long_backlog_is_compacted_as_it_drains() -> None:
    queue = _Queue(range(10_000))
    for expected in range(9_000):
        assert queue.popleft() == expected
    # Consumed items are not kept: the list holds about what is left.
    assert len(queue._items) <= 2 * len(queue) + 1
    assert list(queue) == list(range(9_000, 10_000))
