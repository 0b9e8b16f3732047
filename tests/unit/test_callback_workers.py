"""CallbackWorkers: the resident threads that run a session's callbacks."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest

from pywebio_nb.session._workers import CallbackWorkers

TIMEOUT = 5.0


def _join_all(name: str) -> None:
    """Wait until every thread whose name starts with ``name`` has exited."""
    for thread in threading.enumerate():
        if thread.name.startswith(name):
            thread.join(TIMEOUT)
            assert not thread.is_alive(), f"{thread.name} still runs"


def test_an_idle_thread_takes_the_next_task() -> None:
    workers = CallbackWorkers(8, "t-idle")
    seen: list[int] = []
    for _ in range(5):
        done = threading.Event()
        workers.submit(lambda d=done: (seen.append(threading.get_ident()), d.set()))
        assert done.wait(TIMEOUT)
    # Each task was submitted after the previous one finished: one resident thread.
    assert len(set(seen)) == 1
    assert workers.threads == 1
    workers.shutdown()
    _join_all("t-idle")


def test_a_blocked_task_does_not_hold_up_the_next_one() -> None:
    workers = CallbackWorkers(2, "t-busy")
    release = threading.Event()
    second = threading.Event()
    first_started = threading.Event()

    def first() -> None:
        first_started.set()
        assert release.wait(TIMEOUT)

    workers.submit(first)
    assert first_started.wait(TIMEOUT)
    workers.submit(second.set)
    assert second.wait(TIMEOUT)
    assert workers.threads == 2
    release.set()
    workers.shutdown()
    _join_all("t-busy")


def test_beyond_the_limit_tasks_wait_and_run_in_order() -> None:
    workers = CallbackWorkers(1, "t-limit")
    release = threading.Event()
    log: list[Any] = []
    done = threading.Event()
    workers.submit(lambda: (log.append(("start", 0)), release.wait(TIMEOUT), log.append("end")))
    for index in range(1, 4):
        workers.submit(lambda i=index: log.append(i))
    workers.submit(done.set)
    release.set()
    assert done.wait(TIMEOUT)
    assert log == [("start", 0), "end", 1, 2, 3]
    assert workers.threads == 1
    workers.shutdown()
    _join_all("t-limit")


def test_shutdown_runs_queued_tasks_then_every_thread_exits() -> None:
    workers = CallbackWorkers(3, "t-stop")
    release = threading.Event()
    ran: list[int] = []
    for index in range(3):
        workers.submit(lambda i=index: (release.wait(TIMEOUT), ran.append(i)))
    workers.submit(lambda: ran.append(3))  # queued behind the three busy threads
    workers.shutdown()
    assert workers.submit(lambda: ran.append(99)) is False
    release.set()
    _join_all("t-stop")
    assert sorted(ran) == [0, 1, 2, 3]
    assert workers.threads == 0


def test_an_error_is_logged_and_the_thread_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    workers = CallbackWorkers(1, "t-error")
    done = threading.Event()
    with caplog.at_level(logging.ERROR, logger="pywebio_nb.session"):
        workers.submit(lambda: 1 / 0)
        workers.submit(done.set)
        assert done.wait(TIMEOUT)
    assert "ZeroDivisionError" in caplog.text
    workers.shutdown()
    _join_all("t-error")


def test_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        CallbackWorkers(0, "t-zero")
