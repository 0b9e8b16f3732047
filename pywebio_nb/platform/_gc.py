"""Python's cyclic garbage collector, set for a server process holding many sessions.

Every open session keeps ~70 container objects alive (its page model, its
connection's Tornado objects, its coroutines and contexts), and Python's
collector walks every live container on each *full* collection. With the
default thresholds ``(700, 10, 10)`` a full collection comes after ten
collections of the middle generation, each time the objects that survived
them grew by a quarter: a server that goes from a few hundred to 10,000
sessions runs about twelve of them, over ever more sessions.
``bench/bench_compare.py``'s 10,000 sessions measured 2.0-2.2 s of the
server's 7.7-9.0 s of CPU in full collections.

While :func:`~pywebio_nb.platform.tornado.start_server` serves in the
foreground (the process is the server's), :func:`server_gc` asks for a full
collection only after ``FULL_COLLECTION_AFTER`` middle ones: the young
generations are collected exactly as before (short-lived cycles go as soon
as ever), older cyclic garbage waits longer. Same run: 0.37 s in full
collections, 6.4 s of CPU in all; peak memory unchanged. A process whose
thresholds were already changed from Python's defaults keeps them; the
defaults come back when the server stops.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["FULL_COLLECTION_AFTER", "server_gc"]

#: Python's own thresholds; only these are replaced.
_PYTHON_DEFAULTS = (700, 10, 10)

#: Middle-generation collections before a full one while a server runs (Python: 10).
FULL_COLLECTION_AFTER = 100


@contextmanager
def server_gc() -> Iterator[None]:
    """Within the block, full collections are ``FULL_COLLECTION_AFTER`` times rarer."""
    before = gc.get_threshold()
    if before != _PYTHON_DEFAULTS:
        yield
        return
    tuned = (before[0], before[1], FULL_COLLECTION_AFTER)
    gc.set_threshold(*tuned)
    try:
        yield
    finally:
        if gc.get_threshold() == tuned:  # nobody changed them meanwhile
            gc.set_threshold(*before)
