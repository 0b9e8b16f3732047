"""Server tests: a real server on a loopback port (``serve`` fixture)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from pywebio_nb.platform.tornado import ServerHandle, _start_server_in_thread


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/server/" in str(item.fspath):
            item.add_marker(pytest.mark.server)


@pytest.fixture
def serve() -> Iterator[Callable[..., ServerHandle]]:
    """``serve(applications, **start_server_kwargs)`` -> a running server on 127.0.0.1."""
    handles: list[ServerHandle] = []

    def start(applications: Any, **kwargs: Any) -> ServerHandle:
        handle = _start_server_in_thread(applications, host="127.0.0.1", **kwargs)
        handles.append(handle)
        return handle

    yield start
    for handle in handles:
        handle.stop()
