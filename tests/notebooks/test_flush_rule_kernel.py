"""The kernel's flush rule in a real kernel: IOPub-safe bursts, no timer on a click.

- 10,000 ``put_text`` in one cell: every one arrives, in a few hundred comm messages
  (far below Jupyter's 3,000 messages per 3 s, ``notes/iopub-limits.md``);
- a callback's output leaves as the callback returns, in one message, even with the
  coalescing interval set to 30 s (the former rule sent it when a timer fired);
- a click's output, and the next form after an answer, go out ahead of the kernel's
  busy/idle statuses for that message (JupyterLab handles each status first).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from kernel_driver import KernelDriver

from pywebio_nb.testing._frontend import commands_of


class CountingDriver(KernelDriver):
    """Records the commands of every custom comm message, message by message."""

    def __init__(self, kernel_name: str = "python3") -> None:
        super().__init__(kernel_name)
        self.messages: list[list[dict[str, Any]]] = []
        #: every IOPub message: (type, parent msg_id, execution_state of a status)
        self.iopub: list[tuple[str, Any, Any]] = []
        #: ids of the comm messages sent by send_event
        self.sent_ids: list[str] = []

    def send_event(self, comm_id: str, event: dict[str, Any]) -> None:
        """Send as the base does, keeping the message id (the handshake's pong)."""
        msg = self.kc.session.msg(
            "comm_msg", {"comm_id": comm_id, "data": {"method": "custom", "content": event}}
        )
        self.kc.shell_channel.send(msg)
        self.sent_ids.append(msg["header"]["msg_id"])

    def _handle(self, msg: dict[str, Any]) -> None:
        parent = msg["parent_header"].get("msg_id")
        self.iopub.append((msg["msg_type"], parent, msg["content"].get("execution_state")))
        if msg["msg_type"] == "comm_msg" and msg["content"]["data"].get("method") == "custom":
            content = msg["content"]["data"]["content"]
            self.messages.append(commands_of(content))
            if any((c.get("spec") or {}).get("content") == "quick done" for c in self.messages[-1]):
                self.iopub.append(("quick done", parent, None))
            for c in self.messages[-1]:
                if c["command"] == "output" and (c.get("spec") or {}).get("type") == "text":
                    self.iopub.append((f"text {c['spec'].get('content')}", parent, None))
                if c["command"] == "input_group":
                    label = c["spec"]["inputs"][0].get("label")
                    self.iopub.append((f"form {label}", parent, None))
        super()._handle(msg)


@pytest.fixture(scope="module")
def driver() -> Iterator[CountingDriver]:
    d = CountingDriver("python3")
    try:
        yield d
    finally:
        d.close()


@pytest.fixture(scope="module", params=["python3", "ipykernel6"])
def variant_driver(request: pytest.FixtureRequest) -> Iterator[CountingDriver]:
    """The status order tests run on ipykernel 7 and 6.29 (the pump differs on each)."""
    name = request.getfixturevalue("ipykernel6") if request.param == "ipykernel6" else "python3"
    d = CountingDriver(name)
    d.variant = request.param
    try:
        yield d
    finally:
        d.close()


def _texts(driver: CountingDriver) -> list[str]:
    return [
        c["spec"].get("content")
        for message in driver.messages
        for c in message
        if c["command"] == "output"
    ]


def test_ten_thousand_put_text_in_one_cell_all_arrive(driver: CountingDriver) -> None:
    before = len(driver.messages)
    code = (
        "import time\n"
        "from pywebio_nb.output import put_text\n"
        "started = time.monotonic()\n"
        "for i in range(10000):\n"
        "    put_text(f'line {i}')\n"
        "print('ELAPSED', time.monotonic() - started)\n"
    )
    assert driver.reply(driver.execute(code), timeout=120)["status"] == "ok"
    driver.pump_until(lambda: "line 9999" in _texts(driver), timeout=60)
    lines = [t for t in _texts(driver) if t and t.startswith("line ")]
    assert lines == [f"line {i}" for i in range(10000)]
    sent = len(driver.messages) - before

    def printed() -> str:
        return "".join(o["content"].get("text", "") for o in driver.outputs)

    driver.pump_until(lambda: "ELAPSED" in printed())
    elapsed = float(printed().split("ELAPSED", 1)[1].split()[0])
    # The rate rule: while the cell runs, one timed batch per FLUSH_INTERVAL (16 ms),
    # plus one per MAX_BATCH (500) commands, plus the cell's end.
    assert sent <= elapsed / 0.016 + 10000 / 500 + 3, (sent, elapsed)
    assert sent < 400, sent


def test_a_click_output_leaves_when_the_callback_returns(driver: CountingDriver) -> None:
    code = (
        "from pywebio_nb.output import put_buttons, put_text, use_scope\n"
        "from pywebio_nb.jupyter._kernel_session import KernelTransport\n"
        "KernelTransport.FLUSH_INTERVAL = 30.0  # no timer can send within this test\n"
        "def on_click(value):\n"
        "    with use_scope('clicked', clear=True):\n"
        "        put_text('first ' + value)\n"
        "        put_text('second ' + value)\n"
        "put_buttons(['go'], onclick=on_click)\n"
    )
    assert driver.reply(driver.execute(code))["status"] == "ok"

    def button() -> Any:
        for message in driver.messages:
            for c in message:
                if c["command"] == "output" and c["spec"].get("type") == "buttons":
                    return c["spec"]["callback_id"]
        return None

    callback_id = driver.pump_until(button)
    comm_id = next(iter(driver.commands))
    for cid, commands in driver.commands.items():
        if any(c["spec"].get("callback_id") == callback_id for c in commands if "spec" in c):
            comm_id = cid
    before = len(driver.messages)
    # the button's value on the wire is its index; the kernel maps it back to 'go'
    driver.send_event(comm_id, {"event": "callback", "task_id": callback_id, "data": 0})
    driver.pump_until(lambda: "second go" in _texts(driver), timeout=10)
    sent = driver.messages[before:]
    # one message: the clear and both texts together, not the first text alone
    carrying = [m for m in sent if any(c["command"] == "output" for c in m)]
    assert len(carrying) == 1, sent
    assert [c.get("spec", {}).get("content") for c in carrying[0] if c["command"] == "output"][
        -2:
    ] == ["first go", "second go"]


def test_a_steady_stream_from_a_thread_is_coalesced(driver: CountingDriver) -> None:
    """Lone updates go at once, but a stream leaves one batch per FLUSH_INTERVAL."""
    before = len(driver.messages)
    code = (
        "import threading, time\n"
        "from pywebio_nb.output import put_text\n"
        "from pywebio_nb.jupyter._kernel_session import KernelTransport\n"
        "KernelTransport.FLUSH_INTERVAL = 0.016\n"
        "def produce():\n"
        "    started = time.monotonic()\n"
        "    for i in range(200):\n"
        "        put_text(f'tick {i}')\n"
        "        time.sleep(0.002)  # the producer's pace: 500 updates per second\n"
        "    put_text(f'STREAMED {time.monotonic() - started}')\n"
        "threading.Thread(target=produce).start()\n"
    )
    assert driver.reply(driver.execute(code))["status"] == "ok"
    streamed = driver.pump_until(
        lambda: next((t for t in _texts(driver) if t and t.startswith("STREAMED")), None),
        timeout=30,
    )
    elapsed = float(streamed.split()[1])
    ticks = [t for t in _texts(driver) if t and t.startswith("tick ")]
    assert ticks == [f"tick {i}" for i in range(200)]
    sent = len(driver.messages) - before
    assert sent <= elapsed / 0.016 + 3, (sent, elapsed)  # one message per update: ~200


def test_a_quick_callback_output_precedes_the_idle_status(
    variant_driver: CountingDriver,
) -> None:
    """The kernel's loop waits (CALLBACK_GRACE) for a quick callback: its output goes out
    before the idle status of the click's message, which JupyterLab would handle first."""
    driver = variant_driver
    code = (
        "from pywebio_nb.output import put_buttons, put_text\n"
        "from pywebio_nb.jupyter._kernel_session import KernelSession, KernelTransport\n"
        "KernelTransport.FLUSH_INTERVAL = 0.016\n"
        "KernelSession.CALLBACK_GRACE = 5.0  # generous: the callback takes a millisecond\n"
        "put_buttons(['quick'], onclick=lambda v: put_text('quick done'))\n"
    )
    assert driver.reply(driver.execute(code))["status"] == "ok"

    def button() -> Any:
        for comm_id, commands in driver.commands.items():
            for c in commands:
                spec = c.get("spec", {})
                if spec.get("type") == "buttons" and spec["buttons"][0]["label"] == "quick":
                    return comm_id, spec["callback_id"]
        return None

    comm_id, callback_id = driver.pump_until(button)
    msg = driver.kc.session.msg(
        "comm_msg",
        {
            "comm_id": comm_id,
            "data": {
                "method": "custom",
                "content": {"event": "callback", "task_id": callback_id, "data": 0},
            },
        },
    )
    driver.kc.shell_channel.send(msg)
    click = msg["header"]["msg_id"]

    def idle() -> bool:
        return ("status", click, "idle") in driver.iopub

    driver.pump_until(lambda: idle() and "quick done" in _texts(driver))
    order = driver.iopub
    done = next(i for i, m in enumerate(order) if m[0] == "quick done")
    assert done < order.index(("status", click, "busy")), order[-8:]
    assert order.index(("status", click, "busy")) < order.index(("status", click, "idle"))


def test_the_next_form_precedes_the_statuses_of_the_answer(
    variant_driver: CountingDriver,
) -> None:
    """Inside a blocking wait: a click that does not end it gets its output, then its
    statuses, at once; an answer's statuses follow the cell's next form (busy, idle)."""
    driver = variant_driver
    code = (
        "from pywebio_nb.input import input\n"
        "from pywebio_nb.jupyter._kernel_session import KernelTransport\n"
        "KernelTransport.FLUSH_INTERVAL = 30  # no timer: only the pump's own flushes send\n"
        "from pywebio_nb.jupyter._kernel_session import KernelSession\n"
        "KernelSession.CALLBACK_GRACE = 5.0  # the click's handler returns after its output\n"
        "from pywebio_nb.output import put_buttons, put_text\n"
        "put_buttons(['during'], onclick=lambda v: put_text('clicked during'))\n"
        "a = input('first q')\n"
        "b = input('second q')\n"
        "KernelTransport.FLUSH_INTERVAL = 0.016\n"
        "print('answers', a, b)\n"
    )
    request = driver.execute(code)

    def form(label: str) -> Any:
        for comm_id, commands in driver.commands.items():
            for c in commands:
                if c["command"] == "input_group" and c["spec"]["inputs"][0]["label"] == label:
                    return comm_id, c
        return None

    def statuses(msg_id: str) -> list[str]:
        return [m[2] for m in driver.iopub if m[0] == "status" and m[1] == msg_id]

    def send(comm_id: str, event: dict[str, Any]) -> str:
        msg = driver.kc.session.msg(
            "comm_msg", {"comm_id": comm_id, "data": {"method": "custom", "content": event}}
        )
        driver.kc.shell_channel.send(msg)
        return str(msg["header"]["msg_id"])

    comm_id, first = driver.pump_until(lambda: form("first q"))
    name = first["spec"]["inputs"][0]["name"]
    # the handshake's pong was handled: the cell now waits for the form, not the pong
    driver.pump_until(lambda: any(("status", i, "idle") in driver.iopub for i in driver.sent_ids))
    buttons = next(
        c for c in driver.commands[comm_id] if c.get("spec", {}).get("type") == "buttons"
    )
    callback_id = buttons["spec"]["callback_id"]
    click = send(comm_id, {"event": "callback", "task_id": callback_id, "data": 0})
    driver.pump_until(
        lambda: statuses(click) == ["busy", "idle"] and "clicked during" in _texts(driver),
        timeout=5,
    )
    order = driver.iopub
    output = next(i for i, m in enumerate(order) if m[0] == "text clicked during")
    assert output < order.index(("status", click, "busy")), order[-8:]
    submit = send(
        comm_id, {"event": "from_submit", "task_id": first["task_id"], "data": {name: "x"}}
    )
    driver.pump_until(lambda: statuses(submit) == ["busy", "idle"] and form("second q"))
    order = driver.iopub
    shown = next(i for i, m in enumerate(order) if m[0] == "form second q")
    assert shown < order.index(("status", submit, "busy")), order[-8:]
    second = form("second q")[1]
    send(
        comm_id,
        {
            "event": "from_submit",
            "task_id": second["task_id"],
            "data": {second["spec"]["inputs"][0]["name"]: "y"},
        },
    )
    assert driver.reply(request)["status"] == "ok"
    driver.pump_until(
        lambda: any("answers x y" in o["content"].get("text", "") for o in driver.outputs)
    )
