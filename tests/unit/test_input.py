"""pywebio_nb.input (and the form state machine of pywebio_nb._form)."""

from __future__ import annotations

import gc
import logging
from typing import Any

import pytest

from pywebio_nb.exceptions import SessionClosedException
from pywebio_nb.input import (
    FLOAT,
    NUMBER,
    PASSWORD,
    TEXT,
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

# ------------------------------------------------------------------ single inputs


@pytest.mark.parametrize(
    ("type_", "raw", "expected"),
    [
        (TEXT, "Bob", "Bob"),
        (TEXT, "", ""),
        (NUMBER, "42", 42),
        (NUMBER, "-3", -3),
        (NUMBER, "4.0", 4),
        (NUMBER, 7, 7),
        (FLOAT, "3.5", 3.5),
        (FLOAT, "2", 2.0),
        (PASSWORD, "s3cret", "s3cret"),
    ],
)
def test_input_returns_converted_value(run_app, type_: str, raw: Any, expected: Any) -> None:
    run = run_app(lambda: input("Value", type=type_))
    form = run.wait_form()
    assert form["spec"]["inputs"][0]["type"] == type_
    assert form["spec"]["inputs"][0]["label"] == "Value"
    run.submit(form, {"data": raw})
    result = run.join()
    assert result == expected
    assert type(result) is type(expected)
    destroy = run.wait_command("destroy_form")
    assert destroy["task_id"] == form["task_id"]


def test_single_input_form_spec(run_app) -> None:
    run = run_app(lambda: input("Name", placeholder="your name", help_text="hint"))
    form = run.wait_form()
    spec = form["spec"]
    assert spec["cancelable"] is False
    (item,) = spec["inputs"]
    assert item["name"] == "data"
    assert item["placeholder"] == "your name"
    assert item["help_text"] == "hint"
    assert form["task_id"]
    run.submit(form, {"data": "x"})
    assert run.join() == "x"


@pytest.mark.parametrize(
    ("type_", "bad", "message"),
    [(NUMBER, "abc", "integer"), (NUMBER, "1.5", "integer"), (FLOAT, "abc", "number")],
)
def test_unconvertible_number_keeps_form_open(run_app, type_: str, bad: str, message: str) -> None:
    run = run_app(lambda: input("Age", type=type_))
    form = run.wait_form()
    run.submit(form, {"data": bad})
    update = run.wait_command("update_input")
    assert update["task_id"] == form["task_id"]
    assert update["spec"]["target_name"] == "data"
    assert update["spec"]["attributes"]["valid_status"] is False
    assert message in update["spec"]["attributes"]["invalid_feedback"]
    assert run.commands("destroy_form") == []
    assert run.session.thread.is_alive()
    run.submit(form, {"data": "12"})
    assert run.join() == 12
    assert len(run.commands("destroy_form")) == 1


def test_required_rejects_empty(run_app) -> None:
    run = run_app(lambda: input("Name", required=True))
    form = run.wait_form()
    assert form["spec"]["inputs"][0]["required"] is True
    run.submit(form, {"data": ""})
    update = run.wait_command("update_input")
    assert update["spec"]["attributes"] == {
        "valid_status": False,
        "invalid_feedback": "Please fill in this field.",
        "invalid_feedback_key": "required",
    }
    assert run.commands("destroy_form") == []
    run.submit(form, {"data": "Ann"})
    assert run.join() == "Ann"


def _check_age(age: int | None) -> str | None:
    if age is None or age < 0:
        return "Age can not be negative"
    if age > 150:
        return "Too old"
    return None


def test_validate_on_submit(run_app) -> None:
    run = run_app(lambda: input("Age", type=NUMBER, validate=_check_age))
    form = run.wait_form()
    run.submit(form, {"data": "200"})
    update = run.wait_command("update_input")
    assert update["spec"]["attributes"] == {"valid_status": False, "invalid_feedback": "Too old"}
    run.submit(form, {"data": "-1"})
    update = run.wait_command("update_input", 2)
    assert update["spec"]["attributes"]["invalid_feedback"] == "Age can not be negative"
    run.submit(form, {"data": "30"})
    assert run.join() == 30


def test_validate_on_blur(run_app) -> None:
    run = run_app(lambda: input("Age", type=NUMBER, validate=_check_age))
    form = run.wait_form()
    assert form["spec"]["inputs"][0]["onblur"] is True
    blur = {"event_name": "blur", "name": "data"}
    run.send("input_event", form["task_id"], {**blur, "value": "999"})
    first = run.wait_command("update_input")
    assert first["spec"] == {
        "target_name": "data",
        "attributes": {"valid_status": False, "invalid_feedback": "Too old"},
    }
    run.send("input_event", form["task_id"], {**blur, "value": "x"})
    second = run.wait_command("update_input", 2)
    assert second["spec"]["attributes"]["valid_status"] is False
    assert "integer" in second["spec"]["attributes"]["invalid_feedback"]
    run.send("input_event", form["task_id"], {**blur, "value": "20"})
    third = run.wait_command("update_input", 3)
    assert third["spec"]["attributes"] == {"valid_status": 0}  # manual: 0 clears the flag
    # blur never submits
    assert run.commands("destroy_form") == []
    run.submit(form, {"data": "20"})
    assert run.join() == 20


def test_blur_for_unknown_item_is_ignored(run_app) -> None:
    run = run_app(lambda: input("x", validate=lambda v: "bad"))
    form = run.wait_form()
    run.send("input_event", form["task_id"], {"event_name": "blur", "name": "nope", "value": 1})
    run.send("input_event", form["task_id"], {"event_name": "hover", "name": "data", "value": 1})
    run.send("from_submit", form["task_id"], {"data": "v"})
    update = run.wait_command("update_input")
    assert update["spec"]["attributes"]["invalid_feedback"] == "bad"
    # only the submit produced an update
    assert len(run.commands("update_input")) == 1


def test_plain_input_has_no_onblur_flag(run_app) -> None:
    run = run_app(lambda: textarea("Notes", rows=3))
    form = run.wait_form()
    item = form["spec"]["inputs"][0]
    assert item["type"] == "textarea"
    assert item["rows"] == 3
    assert "onchange" not in item
    run.submit(form, {"data": "line1\nline2"})
    assert run.join() == "line1\nline2"


def test_input_rejects_unknown_type() -> None:
    with pytest.raises(ValueError, match="type must be one of"):
        input("x", type="checkbox")


# ------------------------------------------------------------------- input_group


def test_input_group_returns_dict(run_app) -> None:
    def app() -> Any:
        return input_group(
            "User info",
            [
                input("Your name", name="name"),
                input("Your age", name="age", type=NUMBER),
            ],
        )

    run = run_app(app)
    form = run.wait_form()
    assert form["spec"]["label"] == "User info"
    assert [i["name"] for i in form["spec"]["inputs"]] == ["name", "age"]
    run.submit(form, {"name": "Ann", "age": "31"})
    assert run.join() == {"name": "Ann", "age": 31}


def test_input_group_validate_targets_named_item(run_app) -> None:
    def check_form(data: dict[str, Any]) -> tuple[str, str] | None:
        if len(data["name"]) > 6:
            return ("name", "Name too long!")
        if data["age"] <= 0:
            return ("age", "Age can not be negative!")
        return None

    def app() -> Any:
        return input_group(
            "Basic info",
            [
                input("Input your name", name="name"),
                input("Input your age", name="age", type=NUMBER),
            ],
            validate=check_form,
        )

    run = run_app(app)
    form = run.wait_form()
    run.submit(form, {"name": "Bartholomew", "age": "3"})
    first = run.wait_command("update_input")
    assert first["spec"] == {
        "target_name": "name",
        "attributes": {"valid_status": False, "invalid_feedback": "Name too long!"},
    }
    run.submit(form, {"name": "Bart", "age": "0"})
    second = run.wait_command("update_input", 2)
    assert second["spec"]["target_name"] == "age"
    assert second["spec"]["attributes"]["invalid_feedback"] == "Age can not be negative!"
    run.submit(form, {"name": "Bart", "age": "9"})
    assert run.join() == {"name": "Bart", "age": 9}


def test_item_errors_are_reported_before_group_validate(run_app) -> None:
    called: list[Any] = []

    def app() -> Any:
        return input_group(
            "g",
            [
                input("a", name="a", type=NUMBER),
                input("b", name="b", required=True),
            ],
            validate=lambda d: called.append(d),
        )

    run = run_app(app)
    form = run.wait_form()
    run.submit(form, {"a": "x", "b": ""})
    run.wait_command("update_input", 2)
    targets = sorted(u["target_name"] for u in run.updates(form["task_id"]))
    assert targets == ["a", "b"]
    assert called == []  # group validate only sees converted, valid values
    run.submit(form, {"a": "1", "b": "y"})
    assert run.join() == {"a": 1, "b": "y"}
    assert called == [{"a": 1, "b": "y"}]


def test_cancelable_group_returns_none_on_cancel(run_app) -> None:
    run = run_app(lambda: input_group("g", [input("a", name="a")], cancelable=True))
    form = run.wait_form()
    assert form["spec"]["cancelable"] is True
    run.send("from_cancel", form["task_id"], None)
    assert run.join() is None
    assert run.wait_command("destroy_form")["task_id"] == form["task_id"]


def test_actions_as_last_item_disables_cancelable(run_app) -> None:
    def app() -> Any:
        return input_group(
            "g",
            [input("a", name="a"), actions("", ["save", "discard"], name="act")],
            cancelable=True,
        )

    run = run_app(app)
    form = run.wait_form()
    assert form["spec"]["cancelable"] is False
    run.submit(form, {"a": "1", "act": 1})  # the browser sends the button's index
    assert run.join() == {"a": "1", "act": "discard"}


def test_actions_returns_clicked_value(run_app) -> None:
    def app() -> Any:
        return actions(
            "Confirm to delete file?",
            [
                "confirm",
                ("Keep it", {"keep": True}),
                {"label": "Reset", "type": "reset"},
                ("Cancel", None, "cancel", True),
            ],
            help_text="Unrecoverable after file deletion",
        )

    run = run_app(app)
    form = run.wait_form()
    (item,) = form["spec"]["inputs"]
    assert item["type"] == "actions"
    assert item["help_text"] == "Unrecoverable after file deletion"
    assert item["buttons"] == [
        {"label": "confirm", "value": 0, "type": "submit"},
        {"label": "Keep it", "value": 1, "type": "submit"},
        {"label": "Reset", "type": "reset", "value": 2},
        {"label": "Cancel", "value": 3, "type": "cancel", "disabled": True},
    ]
    run.submit(form, {"data": 1})
    assert run.join() == {"keep": True}


# ------------------------------------------------------- select / checkbox / radio


@pytest.mark.parametrize(
    ("options", "value", "expected"),
    [
        (["A", "B"], None, [{"label": "A", "value": 0}, {"label": "B", "value": 1}]),
        ([1, 2], 2, [{"label": "1", "value": 0}, {"label": "2", "value": 1, "selected": True}]),
        (
            [("One", 1), ("Two", 2, True), ("Three", 3, False, True)],
            None,
            [
                {"label": "One", "value": 0},
                {"label": "Two", "value": 1, "selected": True},
                {"label": "Three", "value": 2, "selected": False, "disabled": True},
            ],
        ),
        (
            [{"label": "X", "value": "x", "disabled": True}, {"value": "y"}],
            "y",
            [
                {"label": "X", "value": 0, "disabled": True},
                {"label": "y", "value": 1, "selected": True},
            ],
        ),
    ],
    ids=["plain", "plain-value", "tuples", "dicts"],
)
def test_select_options_are_normalized(
    run_app, options: list[Any], value: Any, expected: list[dict[str, Any]]
) -> None:
    run = run_app(lambda: select("Pick", options, value=value))
    form = run.wait_form()
    # The browser sees option indexes; the answer is the option's own value.
    assert form["spec"]["inputs"][0]["options"] == expected
    run.submit(form, {"data": 0})
    first = options[0]
    real = first["value"] if isinstance(first, dict) else first
    assert run.join() == (real[1] if isinstance(real, tuple) else real)


def test_checkbox_multiple_values_and_conversion(run_app) -> None:
    def app() -> Any:
        return input_group(
            "g",
            [
                checkbox(
                    "c", ["a", ("B", "b"), {"label": "C", "value": 3}], value=["a", 3], name="c"
                ),
                checkbox("empty", ["x"], name="empty"),
            ],
        )

    run = run_app(app)
    form = run.wait_form()
    options = form["spec"]["inputs"][0]["options"]
    assert [o.get("selected", False) for o in options] == [True, False, True]
    assert [o["label"] for o in options] == ["a", "B", "C"]
    # A checkbox always returns a list; a non-list value from the browser is "nothing checked".
    run.submit(form, {"c": [1, 2], "empty": None})
    assert run.join() == {"c": ["b", 3], "empty": []}


def test_select_multiple_marks_each_selected_value(run_app) -> None:
    run = run_app(lambda: select("s", ["a", "b", "c"], multiple=True, value=["a", "c"]))
    form = run.wait_form()
    item = form["spec"]["inputs"][0]
    assert item["multiple"] is True
    assert [o.get("selected", False) for o in item["options"]] == [True, False, True]
    run.submit(form, {"data": [0, 2]})
    assert run.join() == ["a", "c"]


def test_radio_returns_value_or_none(run_app) -> None:
    def app() -> Any:
        return input_group(
            "g",
            [
                radio("r", [("Yes", True), ("No", False)], name="r", inline=True),
                radio("s", ["x"], name="s"),
            ],
        )

    run = run_app(app)
    form = run.wait_form()
    assert form["spec"]["inputs"][0]["options"] == [
        {"label": "Yes", "value": 0},
        {"label": "No", "value": 1},
    ]
    assert form["spec"]["inputs"][0]["inline"] is True
    run.submit(form, {"r": 1, "s": None})
    assert run.join() == {"r": False, "s": None}


@pytest.mark.parametrize(
    ("kwargs", "raw", "expected"),
    [({}, "30", 30), ({"value": 0.5, "max_value": 1.0, "step": 0.1}, "0.7", 0.7)],
)
def test_slider_converts_to_int_or_float(
    run_app, kwargs: dict[str, Any], raw: str, expected: Any
) -> None:
    run = run_app(lambda: slider("s", **kwargs))
    form = run.wait_form()
    assert form["spec"]["inputs"][0]["float"] is isinstance(expected, float)
    run.submit(form, {"data": raw})
    result = run.join()
    assert result == expected and type(result) is type(expected)


# --------------------------------------------------------------- name= misuse


NEVER_PASSED = "never passed to input_group()"


def _never_passed(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if NEVER_PASSED in r.getMessage()]


def test_named_input_as_bare_statement_logs_an_error_naming_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="pywebio_nb.input"):
        input("Your name", name="name")  # dropped at once: CPython frees it here
    (message,) = _never_passed(caplog)
    assert "'name'" in message and "text" in message and "without name=" in message


def test_named_input_kept_then_dropped_logs_when_it_goes(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="pywebio_nb.input"):
        item = select("Pick", ["a"], name="pick")
        assert _never_passed(caplog) == []  # kept: nothing to say yet
        del item
    (message,) = _never_passed(caplog)
    assert "'pick'" in message and "select" in message


def test_named_item_kept_in_a_variable_works_in_input_group(
    run_app, caplog: pytest.LogCaptureFixture
) -> None:
    def app() -> Any:
        item = input("x", name="a")
        items: list[Any] = []
        items.append(input("b", name="b"))
        return input_group("g", [item, *items])

    with caplog.at_level(logging.ERROR, logger="pywebio_nb.input"):
        run = run_app(app)
        form = run.wait_form()
        assert [i["name"] for i in form["spec"]["inputs"]] == ["a", "b"]
        run.submit(form, {"a": "1", "b": "2"})
        assert run.join() == {"a": "1", "b": "2"}
        gc.collect()
    assert _never_passed(caplog) == []


def test_items_given_to_a_refused_input_group_log_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="pywebio_nb.input"):
        with pytest.raises(ValueError, match="unique"):
            input_group("g", [input("a", name="a"), input("again", name="a")])
        gc.collect()
    assert _never_passed(caplog) == []


@pytest.mark.parametrize(
    "inputs",
    [
        ["not an item"],
        [None],
        [{"type": "text", "name": "a"}],
    ],
)
def test_input_group_rejects_non_items(inputs: list[Any]) -> None:
    with pytest.raises(ValueError, match="name="):
        input_group("g", inputs)


def test_input_group_rejects_duplicate_names() -> None:
    with pytest.raises(ValueError, match=r"unique.*\['a'\]"):
        input_group("g", [input("a", name="a"), input("also a", type=NUMBER, name="a")])


# ----------------------------------------------------------- end of the wait


def test_session_close_wakes_waiting_input(run_app) -> None:
    outcome: list[str] = []

    def app() -> None:
        try:
            input("never answered")
        except SessionClosedException:
            outcome.append("closed")
            raise

    run = run_app(app)
    run.wait_form()
    run.session.close()
    with pytest.raises(SessionClosedException):
        run.join()
    assert outcome == ["closed"]
    assert run.commands()[-1]["command"] == "close_session"
    # Once closed nothing can follow, not even destroy_form.
    assert run.commands("destroy_form") == []


def test_form_is_destroyed_when_the_wait_is_abandoned(run_app) -> None:
    def broken_validate(data: dict[str, Any]) -> Any:
        raise KeyError("boom")

    outcome: list[str] = []

    def app() -> Any:
        try:
            input_group("g", [input("a", name="a")], validate=broken_validate)
        except KeyError:
            outcome.append("raised")
        return input("next")

    run = run_app(app)
    form = run.wait_form()
    run.submit(form, {"a": "x"})
    destroy = run.wait_command("destroy_form")
    assert destroy["task_id"] == form["task_id"]
    second = run.wait_form(2)
    assert second["task_id"] != form["task_id"]
    run.submit(second, {"data": "ok"})
    assert run.join() == "ok"
    assert outcome == ["raised"]
    assert [c["task_id"] for c in run.commands("destroy_form")] == [
        form["task_id"],
        second["task_id"],
    ]


def test_late_submit_for_finished_form_is_ignored(run_app) -> None:
    def app() -> Any:
        first = input("one")
        second = input("two")
        return first, second

    run = run_app(app)
    form1 = run.wait_form()
    run.submit(form1, {"data": "1"})
    form2 = run.wait_form(2)
    run.submit(form1, {"data": "stale"})  # the first form is gone
    run.submit(form2, {"data": "2"})
    assert run.join() == ("1", "2")


# ---------------------------------------------------------- onchange / update


def test_onchange_input_update_example(run_app) -> None:
    country2city = {
        "China": ["Beijing", "Shanghai", "Hong Kong"],
        "USA": ["New York", "Los Angeles", "San Francisco"],
    }
    countries = list(country2city.keys())

    def app() -> Any:
        return input_group(
            "Select a location",
            [
                select(
                    "Country",
                    options=countries,
                    name="country",
                    onchange=lambda c: input_update("city", options=country2city[c]),
                ),
                select("City", options=country2city[countries[0]], name="city"),
            ],
        )

    run = run_app(app)
    form = run.wait_form()
    assert form["spec"]["inputs"][0]["onchange"] is True
    assert "onchange" not in form["spec"]["inputs"][1]
    run.send(
        "input_event", form["task_id"], {"event_name": "change", "name": "country", "value": 1}
    )
    update = run.wait_command("update_input")
    assert update["task_id"] == form["task_id"]
    assert update["spec"] == {
        "target_name": "city",
        "attributes": {
            "options": [{"label": c, "value": i} for i, c in enumerate(country2city["USA"])]
        },
    }
    run.submit(form, {"country": 1, "city": 1})
    assert run.join() == {"country": "USA", "city": "Los Angeles"}


def test_input_update_defaults_to_changed_item(run_app) -> None:
    def on_change(value: str) -> None:
        input_update(help_text=f"{len(value)} chars")

    run = run_app(lambda: input("t", onchange=on_change))
    form = run.wait_form()
    run.send(
        "input_event", form["task_id"], {"event_name": "change", "name": "data", "value": "abcd"}
    )
    update = run.wait_command("update_input")
    assert update["spec"] == {"target_name": "data", "attributes": {"help_text": "4 chars"}}
    run.submit(form, {"data": "abcd"})
    assert run.join() == "abcd"


def test_input_update_outside_onchange_raises() -> None:
    with pytest.raises(RuntimeError, match="onchange"):
        input_update("x", value=1)


def test_error_in_onchange_is_shown_and_form_continues(run_app) -> None:
    def on_change(value: Any) -> None:
        raise ZeroDivisionError("oops")

    run = run_app(lambda: input("t", onchange=on_change))
    form = run.wait_form()
    run.send("input_event", form["task_id"], {"event_name": "change", "name": "data", "value": "a"})
    error = run.wait_command("output")
    assert "ZeroDivisionError" in error["spec"]["content"]
    run.submit(form, {"data": "a"})
    assert run.join() == "a"


def test_input_action_button_sets_value(run_app) -> None:
    def pick(set_value: Any) -> None:
        set_value("2024-01-01", label="New year")

    run = run_app(lambda: input("Date", action=("Pick", pick)))
    form = run.wait_form()
    action = form["spec"]["inputs"][0]["action"]
    assert action["label"] == "Pick"
    run.click(action["callback_id"])
    update = run.wait_command("update_input")
    assert update["spec"] == {
        "target_name": "data",
        "attributes": {"value": "New year", "readonly": True},
    }
    run.submit(form, {"data": "New year"})
    assert run.join() == "2024-01-01"


# ------------------------------------------------------------------ auto focus


@pytest.mark.parametrize(
    ("make", "focused"),
    [
        (lambda: input("Name"), ["data"]),
        (lambda: textarea("Notes"), []),
        (lambda: checkbox("Pick", options=["a"]), []),
        (
            lambda: input_group(
                "g",
                [checkbox("c", ["a"], name="c"), input("t", name="t"), input("u", name="u")],
            ),
            ["t"],
        ),
        (
            lambda: input_group("g", [input("t", name="t"), input("u", name="u", auto_focus=True)]),
            ["u"],
        ),
    ],
)
def test_first_text_item_takes_focus(run_app, make: Any, focused: list[str]) -> None:
    """As PyWebIO: without an explicit ``auto_focus`` the first text-like item gets it."""
    run = run_app(make)
    form = run.wait_form()
    assert [i["name"] for i in form["spec"]["inputs"] if i.get("auto_focus")] == focused
    run.send("from_cancel", form["task_id"], None)
