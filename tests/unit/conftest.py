"""Unit-test fixtures; the harness itself is ``_apprun`` (importable by tests)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from _apprun import TIMEOUT, AppRun


@pytest.fixture
def run_app() -> Iterator[Callable[[Callable[[], Any]], AppRun]]:
    """``run_app(app)`` -> a started :class:`AppRun`; closed at teardown."""
    runs: list[AppRun] = []

    def start(app: Callable[[], Any]) -> AppRun:
        run = AppRun(app)
        runs.append(run)
        return run.start()

    yield start
    for run in runs:
        run.session.close()
        run.session.thread.join(TIMEOUT)
