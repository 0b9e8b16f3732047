"""Option values stay in Python; bad calls of the input functions say what to do.

The browser sees each option's index and sends indexes back; the form maps them to
the very objects the app gave. A client that sends something else gets an error in
the form and the session goes on.
"""

from __future__ import annotations

from typing import Any

import pytest

from pywebio_nb.input import (
    actions,
    checkbox,
    input,
    input_group,
    input_update,
    radio,
    select,
    slider,
    textarea,
)

# ----------------------------------------------------------- same Python object


class Point:
    """Not JSON-serialisable at all: only its index ever travels."""

    def __init__(self, x: int) -> None:
        self.x = x


@pytest.mark.parametrize(
    ("make", "answer", "pick"),
    [
        (lambda opts: select("s", opts), 1, lambda opts: opts[1]),
        (lambda opts: select("s", opts, multiple=True), [0, 2], lambda opts: [opts[0], opts[2]]),
        (lambda opts: checkbox("c", opts), [2], lambda opts: [opts[2]]),
        (lambda opts: radio("r", opts), 0, lambda opts: opts[0]),
    ],
    ids=["select", "select-multiple", "checkbox", "radio"],
)
def test_option_values_come_back_as_the_same_objects(run_app, make, answer, pick) -> None:
    options = [{"a": 1}, [1, 2], Point(3)]
    run = run_app(lambda: make([(f"o{i}", v) for i, v in enumerate(options)]))
    form = run.wait_form()
    assert [o["value"] for o in form["spec"]["inputs"][0]["options"]] == [0, 1, 2]
    run.submit(form, {"data": answer})
    result = run.join()
    expected = pick(options)
    if isinstance(expected, list):
        assert len(result) == len(expected)
        assert all(r is e for r, e in zip(result, expected, strict=True))
    else:
        assert result is expected


def test_equal_looking_option_values_stay_apart(run_app) -> None:
    """1, True, '1' and 1.0 look alike as strings or JSON numbers; the index tells them apart."""
    options = [("int", 1), ("str", "1"), ("bool", True), ("float", 1.5)]
    run = run_app(lambda: radio("r", options))
    form = run.wait_form()
    run.submit(form, {"data": 1})
    result = run.join()
    assert result == "1" and isinstance(result, str)


def test_action_button_value_is_the_same_object(run_app) -> None:
    marker = object()
    run = run_app(lambda: actions("", [("Go", marker), ("Stop", None)]))
    form = run.wait_form()
    run.submit(form, {"data": 0})
    assert run.join() is marker


def test_press_to_continue(run_app) -> None:
    """The manual's ``actions(buttons=["Go"])``: the form is the button alone."""
    run = run_app(lambda: actions(buttons=["Go"]))
    form = run.wait_form()
    (item,) = form["spec"]["inputs"]
    assert item["buttons"] == [{"label": "Go", "value": 0, "type": "submit"}]
    run.submit(form, {"data": 0})
    assert run.join() == "Go"


# ------------------------------------------------------------ a client that lies


@pytest.mark.parametrize("bad", [7, -1, "0", True, [0], None], ids=repr)
def test_a_value_not_among_the_options_is_refused_and_the_form_goes_on(run_app, bad) -> None:
    run = run_app(lambda: select("s", ["a", "b"], required=True))
    form = run.wait_form()
    run.submit(form, {"data": bad})
    update = run.wait_command("update_input")
    attributes = update["spec"]["attributes"]
    assert attributes["valid_status"] is False
    assert attributes["invalid_feedback_key"] in ("option", "required")
    run.submit(form, {"data": 1})
    assert run.join() == "b"


def test_checkbox_with_a_non_index_is_refused(run_app) -> None:
    run = run_app(lambda: checkbox("c", ["a", "b"]))
    form = run.wait_form()
    run.submit(form, {"data": ["a"]})
    update = run.wait_command("update_input")
    assert update["spec"]["attributes"]["invalid_feedback"] == "Please choose one of the options."
    run.submit(form, {"data": [0, 1]})
    assert run.join() == ["a", "b"]


# ------------------------------------------------------------------- radio / slider


def test_radio_required_refuses_nothing_chosen(run_app) -> None:
    run = run_app(lambda: radio("r", ["x", "y"], required=True))
    form = run.wait_form()
    assert form["spec"]["inputs"][0]["onblur"] is True
    run.submit(form, {"data": None})
    attributes = run.wait_command("update_input")["spec"]["attributes"]
    assert attributes["invalid_feedback_key"] == "required"
    run.submit(form, {"data": 1})
    assert run.join() == "y"


@pytest.mark.parametrize(
    ("kwargs", "raw", "expected"),
    [
        ({}, 42, 42),
        ({"value": 0.5}, 0.25, 0.25),
        ({"max_value": 1.0}, 0.5, 0.5),
        ({"step": 0.5}, 2.5, 2.5),
        ({"min_value": 10, "max_value": 20, "step": 2}, 14, 14),
    ],
    ids=["int", "float-value", "float-bound", "float-step", "int-step"],
)
def test_slider_result_type(run_app, kwargs: dict[str, Any], raw: Any, expected: Any) -> None:
    run = run_app(lambda: slider("s", **kwargs))
    form = run.wait_form()
    run.submit(form, {"data": raw})
    result = run.join()
    assert result == expected and type(result) is type(expected)


# ------------------------------------------------------------- input_update rules


def test_input_update_outside_onchange_says_where_it_belongs(run_app) -> None:
    run = run_app(lambda: input_update("x", value=1))
    with pytest.raises(RuntimeError, match="inside an onchange callback"):
        run.join()


def _change(run, form, name: str, value: Any) -> None:
    run.send("input_event", form["task_id"], {"event_name": "change", "name": name, "value": value})


@pytest.mark.parametrize(
    ("update", "message"),
    [
        ({"name": "nope", "value": 1}, "no input named 'nope'"),
        ({"name": "b", "type": "number"}, "cannot change type"),
        ({"name": "b", "onchange": print, "validate": print}, "cannot change onchange, validate"),
    ],
    ids=["unknown-name", "type", "two-fields"],
)
def test_input_update_refuses_bad_targets_and_fields(run_app, update, message) -> None:
    errors: list[BaseException] = []

    def on_change(_: Any) -> None:
        try:
            input_update(**update)
        except Exception as exc:
            errors.append(exc)

    run = run_app(
        lambda: input_group("g", [input("a", name="a", onchange=on_change), input("b", name="b")])
    )
    form = run.wait_form()
    _change(run, form, "a", "x")
    run.submit(form, {"a": "x", "b": "y"})
    assert run.join() == {"a": "x", "b": "y"}
    (error,) = errors
    assert isinstance(error, ValueError)
    assert message in str(error)


def test_input_update_value_of_options_goes_by_index(run_app) -> None:
    def on_change(value: Any) -> None:
        input_update("tags", value=["b"] if value else [])
        input_update("pick", value="z")

    def app() -> Any:
        return input_group(
            "g",
            [
                input("t", name="t", onchange=on_change),
                checkbox("tags", ["a", "b"], name="tags"),
                select("pick", ["y", "z"], name="pick"),
            ],
        )

    run = run_app(app)
    form = run.wait_form()
    _change(run, form, "t", "on")
    run.wait_command("update_input", 2)
    assert [u["attributes"] for u in run.updates(form["task_id"])] == [
        {"value": [1]},
        {"value": 1},
    ]
    run.submit(form, {"t": "on", "tags": [1], "pick": 1})
    assert run.join() == {"t": "on", "tags": ["b"], "pick": "z"}


def test_input_update_options_replace_the_values(run_app) -> None:
    """After new options arrive, indexes refer to them (the dependent-selects example)."""
    cities = {"China": ["Beijing", "Shanghai"], "USA": ["New York", "Los Angeles"]}

    def app() -> Any:
        return input_group(
            "Select a location",
            [
                select(
                    "Country",
                    options=list(cities),
                    name="country",
                    onchange=lambda c: input_update("city", options=cities[c], value=cities[c][1]),
                ),
                select("City", options=cities["China"], name="city"),
            ],
        )

    run = run_app(app)
    form = run.wait_form()
    _change(run, form, "country", 1)
    update = run.wait_command("update_input")
    assert update["spec"]["attributes"] == {
        "options": [
            {"label": "New York", "value": 0},
            {"label": "Los Angeles", "value": 1, "selected": True},
        ]
    }
    run.submit(form, {"country": 1, "city": 0})
    assert run.join() == {"country": "USA", "city": "New York"}


# --------------------------------------------------------------------- bad calls


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: select("s", "abc"), "options must be a list"),
        (lambda: select("s", {"a": 1}), "options must be a list"),
        (lambda: radio("r", [("only-label",)]), "1-item sequence"),
        (lambda: checkbox("c", [("l", 1, True, False, "x")]), "5-item sequence"),
        (lambda: select("s", [{"text": "a"}]), "dict without 'value'"),
        (lambda: select("s", [{"label": "a", "value": 1, "color": "red"}]), "unknown keys"),
        (lambda: input("x", type="email"), "type must be one of"),
    ],
    ids=["str", "dict", "short-tuple", "long-tuple", "dict-no-value", "dict-extra-key", "type"],
)
def test_bad_calls_raise_clear_errors(run_app, call, message: str) -> None:
    run = run_app(call)
    with pytest.raises(ValueError, match=message):
        run.join()


def test_input_group_refuses_missing_and_duplicate_names(run_app) -> None:
    run = run_app(lambda: input_group("g", [input("a", name="a"), input("b", name="a")]))
    with pytest.raises(ValueError, match=r"unique, repeated: \['a'\]"):
        run.join()
    run = run_app(lambda: input_group("g", ["not an input"]))
    with pytest.raises(ValueError, match="name="):
        run.join()


@pytest.mark.parametrize(
    ("app", "answer"),
    [
        (lambda: input_group("g", [input("a", name="a"), input("b")]), "x"),
        (
            lambda: input_group(
                "g",
                [
                    select("s", ["x"], name="s"),
                    checkbox("c", ["x"]),
                ],
            ),
            [],
        ),
        (lambda: input_group(label="g", inputs=[slider("s")]), 5),
    ],
    ids=["input", "multi-line", "keywords"],
)
def test_an_input_without_name_inside_input_group_is_refused(run_app, app, answer) -> None:
    # No call-site introspection: the unnamed input asks on its own (as in PyWebIO),
    # then input_group() receives a value instead of an item and says what to do.
    run = run_app(app)
    form = run.wait_form()
    assert len(form["spec"]["inputs"]) == 1 and form["spec"]["inputs"][0]["name"] == "data"
    run.submit(form, {"data": answer})
    with pytest.raises(ValueError, match=r"give every input inside input_group\(\) a name="):
        run.join()
    assert len(run.commands("input_group")) == 1  # only the unnamed input's own form


def test_a_single_input_next_to_input_group_still_runs(run_app) -> None:
    def app() -> Any:
        first = input("first")
        return first, input_group("g", [input("a", name="a")])

    run = run_app(app)
    run.submit(run.wait_form(), {"data": "1"})
    run.submit(run.wait_form(2), {"a": "2"})
    assert run.join() == ("1", {"a": "2"})


@pytest.mark.parametrize(
    ("make", "raw", "key", "limit", "good"),
    [
        (lambda: textarea("t", minlength=3), "ab", "minlength", 3, "abc"),
        (lambda: textarea("t", maxlength=3), "abcd", "maxlength", 3, "abc"),
        (lambda: input("t", maxlength=2), "😀😀", "maxlength", 2, "😀"),  # 4 UTF-16 units, then 2
        (lambda: input("t", minlength=5), "abc", "minlength", 5, "abcde"),
    ],
    ids=["textarea-min", "textarea-max", "input-max-utf16", "input-min"],
)
def test_length_limits_are_checked_in_python(run_app, make, raw, key, limit, good) -> None:
    """The form is novalidate; a value set by a script or another client is checked here."""
    run = run_app(make)
    form = run.wait_form()
    run.submit(form, {"data": raw})
    attributes = run.wait_command("update_input")["spec"]["attributes"]
    assert attributes["invalid_feedback_key"] == key
    assert attributes["invalid_feedback_args"] == [limit]
    assert str(limit) in attributes["invalid_feedback"]
    run.submit(form, {"data": good})
    assert run.join() == good


def test_an_empty_value_is_not_too_short(run_app) -> None:
    run = run_app(lambda: textarea("t", minlength=3))
    run.submit(run.wait_form(), {"data": ""})
    assert run.join() == ""
