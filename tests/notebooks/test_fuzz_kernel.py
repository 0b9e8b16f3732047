"""Property-based fuzzing of a kernel session over its comm (issue 11).

A cell shows a button and then waits in an ``input_group``. Hypothesis sends the
cell root's comm whatever a hostile or broken frontend could: any JSON as the
custom message content, well-formed events with random names, ids and data
(``from_submit``, ``ack``, ``resume``, ``upload_chunk``, ``pin_change``...), and
comm messages that are not custom ones. After each batch a click on the button
must still produce its output (the kernel handled everything before it and the
session lives), and the cell must still be waiting unless a generated answer was
accepted. At the end a valid answer ends the cell with its value.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kernel_driver import KernelDriver

from pywebio_nb.protocol import EVENT_NAMES

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=15,
)
NAMES = st.sampled_from([*EVENT_NAMES, "resume", "ack", "nope", ""]) | st.text(max_size=8)
FIELDS = st.sampled_from(["n", "s", "x"])

CELL = (
    "from pywebio_nb.input import input, input_group, select, NUMBER\n"
    "from pywebio_nb.output import put_buttons, put_text\n"
    "clicks = []\n"
    "def on_click(value):\n"
    "    clicks.append(value)\n"
    "    put_text(f'clicked {len(clicks)}')\n"
    "put_buttons(['b'], onclick=on_click)\n"
    "answer = input_group('G', [input('n', name='n', type=NUMBER), "
    "select('s', ['a', 'b'], name='s')])\n"
    "print('ANSWER', json.dumps(answer))"
)


@pytest.fixture(scope="module")
def waiting() -> Iterator[dict[str, Any]]:
    """A kernel whose cell waits in an input_group: its comm, form, button, request."""
    driver = KernelDriver()
    try:
        assert driver.reply(driver.execute("import json"))["status"] == "ok"
        msg_id = driver.execute(CELL)
        comm_id, form = driver.pump_until(lambda: driver.find("input_group"))
        _, buttons = driver.pump_until(lambda: driver.find("output"))
        yield {
            "driver": driver,
            "comm_id": comm_id,
            "form": form,
            "callback_id": buttons["spec"]["callback_id"],
            "msg_id": msg_id,
            "clicks": 0,
        }
    finally:
        driver.close()


def _message(draw: Any, task_ids: list[Any]) -> tuple[str, Any]:
    """(how it is sent, what): a custom message's content, or raw comm data."""
    kind = draw(st.integers(0, 4))
    task = draw(st.sampled_from([*task_ids, "form-999", None, 7]))
    if kind == 0:
        return "custom", draw(JSON)
    if kind == 1:
        return "custom", {"event": draw(NAMES), "task_id": task, "data": draw(JSON)}
    if kind == 2:
        data = draw(st.dictionaries(FIELDS, JSON, max_size=3))
        return "custom", {"event": "from_submit", "task_id": task, "data": data}
    if kind == 3:
        name = draw(st.sampled_from(["ack", "resume", "upload_chunk", "pin_change", "pong"]))
        data = draw(st.dictionaries(st.sampled_from(["root", "seq", "applied", "name"]), JSON))
        return "custom", {"event": name, "task_id": task, "data": data}
    return "raw", draw(st.dictionaries(st.text(max_size=8), JSON, max_size=3))


def _send_raw(driver: KernelDriver, comm_id: str, data: Any) -> None:
    msg = driver.kc.session.msg("comm_msg", {"comm_id": comm_id, "data": data})
    driver.kc.shell_channel.send(msg)


def _answered(driver: KernelDriver, msg_id: str) -> bool:
    return any(
        o["msg_type"] == "stream"
        and o["parent_header"].get("msg_id") == msg_id
        and "ANSWER" in o["content"]["text"]
        for o in driver.outputs
    )


def _texts(driver: KernelDriver, comm_id: str) -> list[str]:
    return [
        str(c["spec"].get("content"))
        for c in driver.commands.get(comm_id, [])
        if c["command"] == "output" and c["spec"].get("type") == "text"
    ]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.data())
def test_no_comm_message_kills_the_kernel_session(waiting: dict[str, Any], data: Any) -> None:
    driver: KernelDriver = waiting["driver"]
    comm_id = waiting["comm_id"]
    # (A generated answer the form accepts ends the cell; the button still works.)
    ids = [waiting["form"]["task_id"], waiting["callback_id"]]
    for _ in range(data.draw(st.integers(1, 8))):
        how, what = _message(data.draw, ids)
        if how == "custom":
            driver.send_event(comm_id, what)
        else:
            _send_raw(driver, comm_id, what)
    # The probe: a click still produces its output, so every message before it was
    # handled and the session lives.
    waiting["clicks"] += 1
    expected = f"clicked {waiting['clicks']}"
    driver.send_event(comm_id, {"event": "callback", "task_id": waiting["callback_id"], "data": 0})
    driver.pump_until(lambda: expected in _texts(driver, comm_id))
    errors = [o["content"] for o in driver.outputs if o["msg_type"] == "error"]
    assert not errors, errors


def test_a_valid_answer_still_ends_the_cell(waiting: dict[str, Any]) -> None:
    driver: KernelDriver = waiting["driver"]
    if not _answered(driver, waiting["msg_id"]):
        form = waiting["form"]
        driver.send_event(
            waiting["comm_id"],
            {"event": "from_submit", "task_id": form["task_id"], "data": {"n": "3", "s": 1}},
        )
    driver.pump_until(lambda: _answered(driver, waiting["msg_id"]))
    assert driver.reply(waiting["msg_id"])["status"] == "ok"
    printed = "".join(
        o["content"]["text"]
        for o in driver.outputs
        if o["msg_type"] == "stream" and o["parent_header"].get("msg_id") == waiting["msg_id"]
    )
    answer = json.loads(printed.split("ANSWER", 1)[1])
    assert set(answer) == {"n", "s"}
