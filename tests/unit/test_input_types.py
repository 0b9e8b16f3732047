"""Input types the manual documents beyond text and numbers: the spec a browser gets
and the value the app gets back (URL/DATE/TIME/COLOR/DATETIME_LOCAL, code textarea,
cancel-type action buttons)."""

from __future__ import annotations

from typing import Any

import pytest

from pywebio_nb.input import (
    COLOR,
    DATE,
    DATETIME_LOCAL,
    TIME,
    URL,
    actions,
    input,
    input_group,
    textarea,
)

# ------------------------------------------------------------- browser-typed inputs


@pytest.mark.parametrize(
    ("type_", "wire_type", "raw"),
    [
        # the <input type=...> the browser renders, and a value it submits for it
        (URL, "url", "https://example.com/a?b=c"),
        (DATE, "date", "2026-11-30"),
        (TIME, "time", "21:05"),
        (COLOR, "color", "#1e90ff"),
        (DATETIME_LOCAL, "datetime-local", "2026-11-30T21:05"),
    ],
)
def test_typed_input_spec_and_value(run_app, type_: str, wire_type: str, raw: str) -> None:
    run = run_app(lambda: input("When/where", type=type_, value=raw, placeholder="p"))
    form = run.wait_form()
    (item,) = form["spec"]["inputs"]
    assert item["type"] == wire_type
    assert item["label"] == "When/where"
    assert item["value"] == raw  # the initial value is shown as given
    assert item["placeholder"] == "p"
    run.submit(form, {"data": raw})
    result = run.join()
    # these types come back as the string the browser submitted (no conversion)
    assert result == raw and type(result) is str


@pytest.mark.parametrize("type_", [URL, DATE, TIME, COLOR, DATETIME_LOCAL])
def test_typed_input_in_a_group(run_app, type_: str) -> None:
    def app() -> Any:
        return input_group("g", [input("v", name="v", type=type_), input("t", name="t")])

    run = run_app(app)
    form = run.wait_form()
    assert [i["type"] for i in form["spec"]["inputs"]] == [type_, "text"]
    run.submit(form, {"v": "x", "t": "y"})
    assert run.join() == {"v": "x", "t": "y"}


# ------------------------------------------------------------------- code textarea


@pytest.mark.parametrize(
    "code",
    [{"mode": "python", "theme": "darcula"}, {}, True],
    ids=["codemirror-options", "empty-dict", "true"],
)
def test_code_textarea_spec_and_value(run_app, code: Any) -> None:
    source = "import something\n# Write your python code"

    def app() -> Any:
        return textarea("Code Edit", code=code, value=source, rows=4)

    run = run_app(app)
    form = run.wait_form()
    (item,) = form["spec"]["inputs"]
    assert item["type"] == "textarea"
    # code={} and code=True both enable the editor (manual), so both must reach the browser
    assert item["code"] == code
    assert item["value"] == source
    assert item["rows"] == 4
    edited = source + "\nprint('hi')\n"
    run.submit(form, {"data": edited})
    assert run.join() == edited


def test_plain_textarea_has_no_code_option(run_app) -> None:
    run = run_app(lambda: textarea("Notes"))
    form = run.wait_form()
    assert "code" not in form["spec"]["inputs"][0]
    run.submit(form, {"data": "a\nb"})
    assert run.join() == "a\nb"


# ------------------------------------------------------------ cancel-type buttons


def test_cancel_button_of_single_actions_returns_none(run_app) -> None:
    """Manual: a 'cancel' button submits at once and the form value is None."""

    def app() -> Any:
        return actions("Delete?", ["confirm", {"label": "Cancel", "type": "cancel"}])

    run = run_app(app)
    form = run.wait_form()
    assert form["spec"]["inputs"][0]["buttons"][1] == {
        "label": "Cancel",
        "type": "cancel",
        "value": 1,
    }
    run.send("from_cancel", form["task_id"], None)  # what the renderer sends for it
    assert run.join() is None
    assert run.wait_command("destroy_form")["task_id"] == form["task_id"]


def test_cancel_button_of_group_actions_returns_none(run_app) -> None:
    """The manual's 'Add user' example: Cancel in the actions row ends input_group."""

    def app() -> Any:
        return input_group(
            "Add user",
            [
                input("username", name="username", required=True),
                actions(
                    "actions",
                    [
                        {"label": "Save", "value": "save"},
                        {"label": "Reset", "type": "reset", "color": "warning"},
                        {"label": "Cancel", "type": "cancel", "color": "danger"},
                    ],
                    name="action",
                ),
            ],
        )

    run = run_app(app)
    form = run.wait_form()
    # the actions row replaces the default buttons, its own Cancel ends the form
    assert form["spec"]["cancelable"] is False
    assert [b.get("type") for b in form["spec"]["inputs"][1]["buttons"]] == [
        "submit",
        "reset",
        "cancel",
    ]
    # a required field left empty does not stop a cancel
    run.send("from_cancel", form["task_id"], None)
    assert run.join() is None


def test_submit_button_of_group_actions_returns_its_value(run_app) -> None:
    def app() -> Any:
        return input_group(
            "Add user",
            [
                input("username", name="username"),
                actions("", [("Save", "save"), ("Cancel", None, "cancel")], name="action"),
            ],
        )

    run = run_app(app)
    form = run.wait_form()
    run.submit(form, {"username": "ada", "action": 0})  # the index of Save
    assert run.join() == {"username": "ada", "action": "save"}
