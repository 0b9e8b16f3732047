"""Nothing lost on reload or a second view, in a real kernel (issue 8, item 1).

Every comm message of a cell root is a numbered batch (``pywebio_nb.jupyter._wire``).
A view that (re)appears without the history or sees a gap sends ``resume {root,
applied}`` and the kernel answers with the missed batches or a ``resync`` snapshot of
the root from the page model. :class:`View` applies batches the way the widget does
(``js/src/entries/widget.ts``): in order, once, a resync batch rebuilding from empty.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from kernel_driver import KernelDriver

from pywebio_nb.jupyter._wire import WireBatch, decode_batch


class View:
    """One browser view of a cell root, counting batches as the widget does."""

    def __init__(self) -> None:
        self.applied = 0
        self.shown: list[dict[str, Any]] = []  # commands applied since the last resync
        self.resyncs = 0
        self.batches: list[int] = []  # the seq of every batch applied, in order

    def feed(self, batch: WireBatch) -> None:
        resync = any(c["command"] == "resync" for c in batch.commands)
        if resync and batch.seq == self.applied + 1:
            self.applied = batch.seq  # up to date: it shows what the snapshot rebuilds
            self.batches.append(batch.seq)
            return
        if resync:
            self.resyncs += 1
            self.shown = []
        elif batch.seq != self.applied + 1:
            return  # applied already, or a gap (the test asks for the rest itself)
        self.shown.extend(batch.commands)
        self.applied = batch.seq
        self.batches.append(batch.seq)

    def named(self, name: str) -> list[dict[str, Any]]:
        return [c for c in self.shown if c["command"] == name]

    def texts(self) -> list[str]:
        return [
            c["spec"]["content"] for c in self.named("output") if c["spec"].get("type") == "text"
        ]


class ReloadDriver(KernelDriver):
    """The kernel driver, plus each comm's root id, raw batches and attached views."""

    def __init__(self, kernel_name: str = "python3") -> None:
        super().__init__(kernel_name)
        self.roots: dict[str, str] = {}  # comm id -> root id
        self.batches: dict[str, list[WireBatch]] = {}
        self.views: dict[str, list[View]] = {}

    def _handle(self, msg: dict[str, Any]) -> None:
        content = msg["content"]
        if msg["msg_type"] == "comm_open":
            root_id = content.get("data", {}).get("state", {}).get("root_id")
            if root_id:  # a cell root (not its ipywidgets layout model)
                self.roots[content["comm_id"]] = root_id
        elif msg["msg_type"] == "comm_msg" and content["data"].get("method") == "custom":
            batch = decode_batch(content["data"]["content"])
            self.batches.setdefault(content["comm_id"], []).append(batch)
            for view in self.views.get(content["comm_id"], []):
                view.feed(batch)
        super()._handle(msg)

    def last_seq(self, comm_id: str) -> int:
        return max((b.seq for b in self.batches.get(comm_id, [])), default=0)

    def event(self, comm_id: str, name: str, data: Any, task_id: str | None = None) -> None:
        self.send_event(comm_id, {"event": name, "task_id": task_id, "data": data})

    def ack(self, comm_id: str) -> None:
        self.event(comm_id, "ack", {"seq": self.last_seq(comm_id), "root": self.roots[comm_id]})

    def open_view(self, comm_id: str, applied: int = 0) -> View:
        """A view that starts now having applied ``applied`` batches (0: a reload)."""
        view = View()
        view.applied = applied
        self.views.setdefault(comm_id, []).append(view)
        self.event(comm_id, "resume", {"root": self.roots[comm_id], "applied": applied})
        return view

    def ok(self, code: str, timeout: float = 30) -> None:
        reply = self.reply(self.execute(code), timeout=timeout)
        assert reply["status"] == "ok", reply


def _start(request: pytest.FixtureRequest, name: str) -> ReloadDriver:
    kernel = request.getfixturevalue("ipykernel6") if name == "ipykernel6" else "python3"
    driver = ReloadDriver(kernel)
    driver.variant = name
    return driver


@pytest.fixture(params=["python3", "ipykernel6"])
def driver(request: pytest.FixtureRequest) -> Iterator[ReloadDriver]:
    d = _start(request, request.param)
    try:
        yield d
    finally:
        d.close()


@pytest.fixture
def driver7(request: pytest.FixtureRequest) -> Iterator[ReloadDriver]:
    d = _start(request, "python3")
    try:
        yield d
    finally:
        d.close()


FLUSH = (
    "from pywebio_nb.jupyter._kernel_session import kernel_session\n"
    "from pywebio_nb.output import put_text\n"
    "flush = kernel_session(create=True).flush\n"
)


@pytest.mark.parametrize("acked", [False, True], ids=["replayed", "resynced"])
def test_a_reloaded_view_gets_the_outputs_and_the_pending_form_whose_answer_unblocks_the_cell(
    driver: ReloadDriver, acked: bool
) -> None:
    cell = driver.execute(
        "from pywebio_nb.output import put_text\n"
        "from pywebio_nb.input import input\n"
        "put_text('before')\n"
        "name = input('Your name?')\n"
        "put_text('hi ' + name)\n"
    )
    comm_id, form = driver.pump_until(lambda: driver.find("input_group"))
    if acked:  # the first view acknowledged everything: the replay log is empty
        driver.ack(comm_id)
    view = driver.open_view(comm_id)  # the page reloaded: a new model, nothing applied
    driver.pump_until(lambda: view.named("input_group"))
    assert view.texts() == ["before"]
    (again,) = view.named("input_group")
    assert again["task_id"] == form["task_id"]
    assert again["spec"]["inputs"][0]["label"] == "Your name?"
    # Without acknowledgements the batches are replayed as they were; once they are
    # acknowledged (forgotten), the page model's snapshot rebuilds the root.
    assert view.resyncs == (1 if acked else 0)
    item = again["spec"]["inputs"][0]["name"]
    driver.event(comm_id, "from_submit", {item: "Ann"}, task_id=form["task_id"])
    assert driver.reply(cell)["status"] == "ok"
    driver.pump_until(lambda: "hi Ann" in view.texts())
    assert view.texts() == ["before", "hi Ann"]
    assert view.batches == sorted(view.batches)


def test_a_gap_is_filled_by_replaying_exactly_the_missed_batches(driver7: ReloadDriver) -> None:
    driver = driver7
    driver.ok(
        FLUSH + "from pywebio_nb.output import put_scope\nput_scope('x')\nflush()\n"
        "for i in range(4):\n    put_text(f't{i}')\n    flush()\n"
    )
    comm_id = driver.pump_until(
        lambda: next((c for c in driver.batches if driver.last_seq(c) >= 5), None)
    )
    assert [b.seq for b in driver.batches[comm_id]] == [1, 2, 3, 4, 5]
    view = driver.open_view(comm_id, applied=2)  # batch 3 was dropped on the way
    view.shown = [c for b in driver.batches[comm_id][:2] for c in b.commands]
    driver.pump_until(lambda: view.applied == 5)
    assert view.texts() == ["t0", "t1", "t2", "t3"]
    assert view.resyncs == 0
    # What was sent again: batches 3..5 once each, and nothing else.
    assert [b.seq for b in driver.batches[comm_id]] == [1, 2, 3, 4, 5, 3, 4, 5]
    driver.ok("put_text('live', scope='x')")  # a later cell updates this root: live again
    driver.pump_until(lambda: view.applied == 6)
    assert "live" in json.dumps(view.shown)


def test_a_long_history_comes_back_as_one_snapshot_not_a_replay(driver7: ReloadDriver) -> None:
    """A replay costs one IOPub message per batch: past ``MAX_REPLAY`` a resync it is."""
    driver = driver7
    driver.ok(FLUSH + "for i in range(100):\n    put_text(f't{i}')\n    flush()\n")
    comm_id = driver.pump_until(
        lambda: next((c for c in driver.batches if driver.last_seq(c) >= 100), None)
    )
    view = driver.open_view(comm_id)
    driver.pump_until(lambda: view.resyncs == 1)
    assert view.texts() == [f"t{i}" for i in range(100)]
    assert len(driver.batches[comm_id]) == 101  # one message answered the resume


def test_a_snapshot_brings_back_pins_progress_scroll_popup_and_later_scope_updates(
    driver7: ReloadDriver,
) -> None:
    driver = driver7
    driver.ok(
        "from pywebio_nb.output import *\n"
        "from pywebio_nb.pin import put_input\n"
        "put_processbar('bar')\n"
        "set_processbar('bar', 0.5, label='half')\n"
        "put_scrollable(put_scope('log'), height=100, keep_bottom=True)\n"
        "put_input('who', value='start')\n"
        "popup('Pop', 'in popup')\n"
        "from pywebio_nb.session import set_env\n"
        "set_env(output_animation=False)\n"
    )
    comm_id = driver.pump_until(lambda: (driver.find("popup") or (None,))[0])
    driver.event(comm_id, "pin_change", {"name": "who", "value": "typed"})
    # Another cell writes into scope 'log' of the first cell (scopes are kernel-wide).
    driver.ok("put_text('line', scope='log')\nput_text('own output of cell 2')")
    driver.pump_until(lambda: driver.last_seq(comm_id) >= 2)
    driver.ack(comm_id)
    view = driver.open_view(comm_id)
    driver.pump_until(lambda: view.resyncs == 1)
    outputs = [c["spec"] for c in view.named("output")]
    (bar,) = [s for s in outputs if s["type"] == "processbar"]
    assert (bar["value"], bar["label"]) == (0.5, "half")
    (scrollable,) = [s for s in outputs if s["type"] == "scrollable"]
    assert scrollable["keep_bottom"] is True
    assert "line" in json.dumps(scrollable)  # the later cell's update is in the snapshot
    (pin,) = [s for s in outputs if s["type"] == "pin"]
    assert pin["input"]["value"] == "typed"
    (popup,) = view.named("popup")
    assert popup["spec"]["title"] == "Pop" and "in popup" in json.dumps(popup["spec"])
    assert "own output of cell 2" not in json.dumps(view.shown)  # that is cell 2's root
    # set_env() is not in the page model: it follows the resync.
    driver.pump_until(lambda: view.named("set_env"))
    assert view.named("set_env")[-1]["spec"]["output_animation"] is False


def test_two_views_of_one_root_stay_consistent(driver7: ReloadDriver) -> None:
    """A second tab's resume is answered to every view; the first one ignores it."""
    driver = driver7
    driver.ok(
        FLUSH + "from pywebio_nb.output import put_scope\nput_text('a'); flush()\nput_scope('x')\n"
    )
    comm_id = driver.pump_until(
        lambda: next((c for c in driver.batches if driver.last_seq(c) >= 2), None)
    )
    first = View()
    for batch in driver.batches[comm_id]:
        first.feed(batch)
    driver.views[comm_id] = [first]
    driver.ack(comm_id)
    second = driver.open_view(comm_id)
    driver.pump_until(lambda: second.resyncs == 1)
    assert first.texts() == second.texts() == ["a"]
    assert first.resyncs == 0  # up to date: the resync only moved its count on
    driver.ok("put_text('c', scope='x')")  # a later cell writes into the first cell's scope
    driver.pump_until(lambda: "c" in json.dumps(first.shown) and "c" in json.dumps(second.shown))
    assert first.applied == second.applied
