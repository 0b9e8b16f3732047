"""Suite-wide ordering: real-browser tests run last.

Playwright's sync API keeps an event loop running in the main thread while
its session-scoped browser lives, and the server, notebook and unit tests
start event loops of their own (``asyncio.run``, nbclient), which is refused
inside a running loop.
"""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: "/browser/" in str(item.fspath))
