"""``put_buttons(..., serial_mode=True)`` in a thread-based session (manual, put_buttons):
the callbacks run serially in one resident thread of the session, and other clicks
wait for the running one to finish."""

from __future__ import annotations

import threading
from typing import Any

from pywebio_nb.output import put_buttons

TIMEOUT = 5.0


def _buttons(run: Any, count: int = 1) -> list[str]:
    """The callback ids of the first ``count`` button groups, in output order."""
    run.wait_command("output", count, where=lambda c: c["spec"]["type"] == "buttons")
    return [
        c["spec"]["callback_id"] for c in run.commands("output") if c["spec"]["type"] == "buttons"
    ]


def test_serial_callbacks_run_one_at_a_time_in_click_order(run_app) -> None:
    first_started = threading.Event()
    release = threading.Event()
    all_done = threading.Event()
    log: list[tuple[str, int]] = []
    threads: list[int] = []
    running = [0]
    overlaps: list[int] = []
    lock = threading.Lock()

    def on_click(value: int) -> None:
        with lock:
            running[0] += 1
            if running[0] > 1:
                overlaps.append(value)
            log.append(("start", value))
            threads.append(threading.get_ident())
        if value == 1:
            first_started.set()
            assert release.wait(TIMEOUT)
        with lock:
            log.append(("end", value))
            running[0] -= 1
        if value == 3:
            all_done.set()

    run = run_app(lambda: put_buttons([1, 2, 3], onclick=on_click, serial_mode=True))
    (callback_id,) = _buttons(run)
    run.join()  # the app returned; its callbacks keep working
    run.click(callback_id, 0)
    assert first_started.wait(TIMEOUT)
    # Clicks 2 and 3 arrive while callback 1 is still running. A dispatch hands the
    # click over before returning, so a non-serial implementation has started them
    # on other threads by now; a serial one has queued them behind callback 1.
    run.click(callback_id, 1)
    run.click(callback_id, 2)
    release.set()
    assert all_done.wait(TIMEOUT), log
    assert log == [("start", 1), ("end", 1), ("start", 2), ("end", 2), ("start", 3), ("end", 3)]
    assert overlaps == []
    assert len(set(threads)) == 1, "serial callbacks run in one resident thread"


def test_serial_mode_groups_share_one_order(run_app) -> None:
    """Two serial groups: a click in the second waits for the first group's callback."""
    started = threading.Event()
    release = threading.Event()
    done = threading.Event()
    log: list[str] = []

    def slow(_: Any) -> None:
        log.append("slow start")
        started.set()
        assert release.wait(TIMEOUT)
        log.append("slow end")

    def quick(_: Any) -> None:
        log.append("quick")
        done.set()

    def app() -> None:
        put_buttons(["slow"], onclick=slow, serial_mode=True)
        put_buttons(["quick"], onclick=quick, serial_mode=True)

    run = run_app(app)
    slow_id, quick_id = _buttons(run, 2)
    run.join()
    run.click(slow_id, 0)
    assert started.wait(TIMEOUT)
    run.click(quick_id, 0)
    release.set()
    assert done.wait(TIMEOUT)
    assert log == ["slow start", "slow end", "quick"]


#: How long a click on a non-serial button is given to (wrongly) start while a
#: serial callback runs: a queued click gives no signal to wait for, so this
#: negative check needs a bounded window.
QUEUED_GRACE = 0.5


def test_non_serial_click_waits_for_a_running_serial_callback(run_app) -> None:
    started = threading.Event()
    release = threading.Event()
    other_ran = threading.Event()
    log: list[str] = []

    def serial(_: Any) -> None:
        log.append("serial start")
        started.set()
        assert release.wait(TIMEOUT)
        log.append("serial end")

    def other(_: Any) -> None:
        log.append("other")
        other_ran.set()

    def app() -> None:
        put_buttons(["serial"], onclick=serial, serial_mode=True)
        put_buttons(["other"], onclick=other)

    run = run_app(app)
    serial_id, other_id = _buttons(run, 2)
    run.join()
    run.click(serial_id, 0)
    assert started.wait(TIMEOUT)
    run.click(other_id, 0)
    other_ran.wait(QUEUED_GRACE)
    release.set()
    assert other_ran.wait(TIMEOUT)
    assert log == ["serial start", "serial end", "other"]
