"""Property-based fuzzing of the session core (issue 11): no event kills a session.

Hypothesis generates events (known and unknown names, the form's task id, a
callback's id, foreign ids, any JSON as data) and dispatches them to a session
whose app waits in an input_group and has a button. Whatever arrives: dispatch
never raises, the app never dies, and a valid answer afterwards is handled.
"""

from __future__ import annotations

import threading
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pywebio_nb.input import NUMBER, checkbox, file_upload, input, input_group, select
from pywebio_nb.output import put_buttons, put_text
from pywebio_nb.protocol import EVENT_NAMES
from pywebio_nb.session._base import ThreadSession
from pywebio_nb.session._memory import MemoryTransport

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=20,
)
NAMES = st.sampled_from([*EVENT_NAMES, "nope", ""]) | st.text(max_size=10)
FIELDS = st.sampled_from(["n", "s", "c", "f", "x"])


def _app(done: list[Any]) -> None:
    put_buttons(["b"], onclick=lambda value: put_text(f"clicked {value}"))
    done.append(
        input_group(
            "G",
            [
                input("n", name="n", type=NUMBER),
                select("s", ["a", "b"], name="s"),
                checkbox("c", ["a", "b"], name="c"),
                file_upload("f", name="f"),
            ],
        )
    )


def _event(draw: Any, task_ids: list[str]) -> Any:
    kind = draw(st.integers(0, 3))
    task = draw(st.sampled_from([*task_ids, "form-999", None, 5]))
    if kind == 0:  # anything at all
        return draw(JSON)
    if kind == 1:  # a well-formed envelope with random content
        return {"event": draw(NAMES), "task_id": task, "data": draw(JSON)}
    if kind == 2:  # a form answer with random values
        return {
            "event": "from_submit",
            "task_id": task,
            "data": draw(st.dictionaries(FIELDS, JSON, max_size=4)),
        }
    return {  # an input_event / upload chunk with random values
        "event": draw(st.sampled_from(["input_event", "upload_chunk", "pin_change", "ack"])),
        "task_id": task,
        "data": {
            "name": draw(FIELDS),
            **draw(st.dictionaries(st.text(max_size=8), JSON, max_size=4)),
        },
    }


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_no_event_sequence_kills_the_session(data: Any) -> None:
    done: list[Any] = []
    errors: list[BaseException] = []

    def app() -> None:
        try:
            _app(done)
        except BaseException as exc:
            errors.append(exc)

    transport = MemoryTransport()
    session = ThreadSession(app, transport)
    session.start()
    try:
        form = transport.wait_for(
            lambda cs: next((c for c in cs if c["command"] == "input_group"), None)
        )
        buttons = next(c for c in transport.commands("output") if c["spec"]["type"] == "buttons")
        callback_id = buttons["spec"]["callback_id"]
        for _ in range(data.draw(st.integers(1, 12))):
            session.dispatch(_event(data.draw, [form["task_id"], callback_id]))
        # Generated events cannot end the input: only a form answer it accepts does.
        answered = bool(transport.commands("destroy_form"))
        assert session.thread.is_alive() or answered, errors
        if not answered:
            # A plain answer: taken, or refused back to the form (a generated
            # upload_chunk may have left a file half-sent, which the form reports),
            # never lost. Either way a command answers it.
            refusals = len(transport.commands("update_input"))
            session.dispatch(
                {"event": "from_submit", "task_id": form["task_id"], "data": {"n": "1", "c": [0]}}
            )
            transport.wait_for(
                lambda cs: (
                    any(c["command"] == "destroy_form" for c in cs)
                    or sum(c["command"] == "update_input" for c in cs) > refusals
                )
            )
            answered = bool(transport.commands("destroy_form"))
        if answered:
            session.thread.join(5)
            assert done, "the form ended but the app did not get its value"
        else:
            assert session.thread.is_alive(), "the answer was lost"
        assert not errors, errors
    finally:
        session.close()
        session.thread.join(5)
    assert threading.active_count() < 200
