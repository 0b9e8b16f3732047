"""A form answer that does not fit its form never ends the app's input() (issue 11).

What a script or a foreign client can send instead of what our renderer sends: the
field missing, null, a list or an object for a number, a 5,000-digit "number", a value
not among the options. The form is told (``invalid_feedback`` with the ``invalid`` or
``option`` key) and the same input() keeps waiting: a valid answer afterwards is used.
"""

from __future__ import annotations

from typing import Any

import pytest

from pywebio_nb.input import (
    DATE,
    FLOAT,
    NUMBER,
    TEXT,
    actions,
    checkbox,
    file_upload,
    input,
    input_group,
    radio,
    select,
    slider,
    textarea,
)

HUGE = "9" * 5000


@pytest.mark.parametrize(
    ("type_", "bad", "good", "expected"),
    [
        (NUMBER, [1, 2], "42", 42),
        (NUMBER, {"x": 1}, "42", 42),
        (NUMBER, HUGE, "42", 42),
        (NUMBER, "1e400", "1", 1),
        (FLOAT, [], "2.5", 2.5),
        (FLOAT, HUGE + "x", "2.5", 2.5),
        (TEXT, {"a": 1}, "ok", "ok"),
        (TEXT, [1], "ok", "ok"),
    ],
)
def test_a_malformed_value_is_refused_and_the_input_keeps_waiting(
    run_app: Any, type_: str, bad: Any, good: str, expected: Any
) -> None:
    run = run_app(lambda: input("Value", type=type_))
    form = run.wait_form()
    run.submit(form, {"data": bad})
    refusal = run.wait_command("update_input")
    attributes = refusal["spec"]["attributes"]
    assert attributes["valid_status"] is False
    assert attributes.get("invalid_feedback_key") in {"invalid", "number", "integer"}
    assert not run.commands("destroy_form")
    run.submit(form, {"data": good})
    assert run.join() == expected


def test_a_missing_or_null_field_reads_as_empty_and_extra_names_are_ignored(
    run_app: Any,
) -> None:
    run = run_app(
        lambda: input_group(
            "G", [input("a", name="a", type=NUMBER), input("b", name="b"), input("c", name="c")]
        )
    )
    form = run.wait_form()
    run.submit(form, {"b": None, "extra": "ignored"})  # "a" missing: an empty field
    assert run.join() == {"a": None, "b": "", "c": ""}


def test_a_missing_required_field_is_refused(run_app: Any) -> None:
    run = run_app(
        lambda: input_group(
            "G", [input("a", name="a", type=NUMBER, required=True), input("b", name="b")]
        )
    )
    form = run.wait_form()
    run.submit(form, {"b": "x"})
    refusal = run.wait_command("update_input")
    assert refusal["spec"]["target_name"] == "a"
    run.submit(form, {"a": "1", "b": "x"})
    assert run.join() == {"a": 1, "b": "x"}


@pytest.mark.parametrize("bad", [99, -1, "0", [0, 0, 7], {"0": 1}, [[0]]])
def test_an_option_that_does_not_exist_is_refused(run_app: Any, bad: Any) -> None:
    run = run_app(lambda: checkbox("Pick", options=["a", "b", "c"]))
    form = run.wait_form()
    run.submit(form, {"data": bad})
    run.wait_command("update_input")
    run.submit(form, {"data": [0, 2]})
    assert run.join() == ["a", "c"]


def test_a_select_answer_of_the_wrong_shape_is_refused(run_app: Any) -> None:
    run = run_app(lambda: select("Pick", options=["x", "y"]))
    form = run.wait_form()
    run.submit(form, {"data": [[0]]})
    run.wait_command("update_input")
    run.submit(form, {"data": 1})
    assert run.join() == "y"


KINDS: dict[str, Any] = {
    "text": lambda: input("x"),
    "number": lambda: input("x", type=NUMBER),
    "float": lambda: input("x", type=FLOAT),
    "date": lambda: input("x", type=DATE),
    "textarea": lambda: textarea("x"),
    "select": lambda: select("x", ["a", "b"]),
    "select_multiple": lambda: select("x", ["a", "b"], multiple=True),
    "checkbox": lambda: checkbox("x", ["a", "b"]),
    "radio": lambda: radio("x", ["a", "b"]),
    "slider": lambda: slider("x"),
    "actions": lambda: actions("x", ["a", "b"]),
    "file": lambda: file_upload("x"),
    "files": lambda: file_upload("x", multiple=True),
}
BAD: list[Any] = [
    None,
    True,
    -1,
    10**30,
    1.5,
    float("nan"),
    HUGE,
    "",
    "zz",
    [],
    [1],
    [[0]],
    [None],
    {},
    {"a": 1},
    [{"blob": 1}],
    [{"blob": "x", "filename": 5}],
    "x" * 200_000,
]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_no_answer_kills_the_app(run_app: Any, kind: str) -> None:
    """Every input kind, every odd value: the app either gets a value or keeps waiting."""
    for bad in BAD:
        run = run_app(KINDS[kind])
        form = run.wait_form()
        run.submit(form, {"data": bad})
        # A submit always ends in a refusal (update_input) or the answer (destroy_form).
        run.transport.wait_for(
            lambda commands: any(c["command"] in ("update_input", "destroy_form") for c in commands)
        )
        answered = bool(run.commands("destroy_form"))
        if answered:  # a value the form accepts: the app got it
            run.session.thread.join(5)
            assert not run.errors, (kind, bad, run.errors)
        else:  # refused: the same input() is still waiting
            assert run.session.thread.is_alive(), (kind, bad, run.errors)
            assert not run.errors, (kind, bad, run.errors)
