"""pywebio_nb.pin against the in-memory session: the manual's pin chapter, case by case.

The browser is played by hand: ``pin_change`` events (what the renderer sends on
every user change) and answers to ``pin_value``.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from _apprun import TIMEOUT, AppRun

from pywebio_nb.output import put_buttons, put_markdown, put_row, put_text, use_scope
from pywebio_nb.pin import (
    pin,
    pin_on_change,
    pin_update,
    pin_wait_change,
    put_actions,
    put_checkbox,
    put_input,
    put_radio,
    put_select,
    put_slider,
    put_textarea,
)
from pywebio_nb.protocol import Command
from pywebio_nb.session._coroutine import CoroutineSession
from pywebio_nb.session._memory import MemoryTransport
from tests import _output_examples as examples


def pins(run: AppRun) -> dict[str, dict[str, Any]]:
    """The form items of every pin output delivered so far, by name (nested ones too)."""
    found: dict[str, dict[str, Any]] = {}

    def walk(value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            if value.get("type") == "pin":
                found[value["input"]["name"]] = value["input"]
            for item in value.values():
                walk(item)

    for command in run.commands("output"):
        walk(command["spec"])
    return found


def change(run: AppRun, name: str, value: Any) -> None:
    run.send("pin_change", None, {"name": name, "value": value})


def has_pin(name: str) -> Any:
    def where(command: Command) -> bool:
        return f"'name': '{name}'" in repr(command["spec"])

    return where


def texts(run: AppRun) -> list[str]:
    return [c["spec"]["content"] for c in run.commands("output") if c["spec"]["type"] == "text"]


def wait_text(run: AppRun, text: str) -> None:
    run.wait_command("output", where=lambda c: c["spec"].get("content") == text)


# ------------------------------------------------------------------ widgets
def test_put_input_outputs_a_pin_widget(run_app: Any) -> None:
    run = run_app(lambda: put_input("input", label="This is a input widget"))
    run.join()
    (command,) = run.commands("output")
    assert command["spec"]["type"] == "pin"
    assert command["spec"]["input"] == {
        "type": "text",
        "name": "input",
        "label": "This is a input widget",
    }
    assert run.session.page.pins.live("input")


def test_pin_widgets_in_a_row_and_in_a_scope(run_app: Any) -> None:
    def app() -> None:
        put_row([put_input("input"), put_select("select", options=["A", "B", "C"])])
        with use_scope("search-area"):
            put_input("search", placeholder="Search")

    run = run_app(app)
    run.join()
    shown = pins(run)
    assert set(shown) == {"input", "select", "search"}
    assert [o["label"] for o in shown["select"]["options"]] == ["A", "B", "C"]
    assert [o["value"] for o in shown["select"]["options"]] == [0, 1, 2]  # indices on the wire
    assert shown["search"]["placeholder"] == "Search"
    assert run.session.page.pins.roots["search"] == "page"
    # the nested widgets are known, and start with known values
    assert run.session.page.pins.values == {"input": "", "select": 0, "search": ""}


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: put_input("w"), ""),
        (lambda: put_input("w", value="hi"), "hi"),
        (lambda: put_input("w", type="number", value=3), 3),
        (lambda: put_input("w", type="number"), None),
        (lambda: put_input("w", type="float", value=1.5), 1.5),
        (lambda: put_textarea("w", value="md"), "md"),
        (lambda: put_select("w", options=["A", "B"]), "A"),
        (lambda: put_select("w", options=["A", "B"], value="B"), "B"),
        (lambda: put_select("w", options=["A", "B"], multiple=True), []),
        (lambda: put_checkbox("w", options=["A", "B"], value=["B"]), ["B"]),
        (lambda: put_radio("w", options=["A", "B"]), None),
        (lambda: put_radio("w", options=["A", "B"], value="B"), "B"),
        (lambda: put_slider("w", value=20), 20),
        (lambda: put_slider("w", value=0.5, max_value=1.0, step=0.1), 0.5),
        (lambda: put_actions("w", buttons=["x", "y"]), None),
    ],
)
def test_initial_values_read_without_a_round_trip(run_app: Any, make: Any, expected: Any) -> None:
    def app() -> Any:
        make()
        return pin.w

    run = run_app(app)
    assert run.join() == expected
    assert run.commands("pin_value") == []


def test_a_value_the_browser_decides_is_asked_once(run_app: Any) -> None:
    def app() -> Any:
        put_input("d", type="date", value="2026-13-45")  # the browser sanitises it
        return pin.d, pin.d

    run = run_app(app)
    ask = run.wait_command("pin_value")
    assert ask["spec"] == {"name": "d"}
    run.send("js_yield", ask["task_id"], "")
    assert run.join() == ("", "")
    assert len(run.commands("pin_value")) == 1


def test_option_values_come_back_as_the_same_objects(run_app: Any) -> None:
    first, second = {"id": 1}, ("a", "tuple")
    got: list[Any] = []

    def app() -> None:
        put_select("s", options=[("one", first), ("two", second)])
        put_checkbox("c", options=[("one", first), ("two", second)])
        got.append(pin_wait_change("s"))
        got.append(pin.c)

    run = run_app(app)
    run.wait_command("output", 2)
    change(run, "c", [0, 1])
    change(run, "s", 1)
    run.join()
    assert got[0]["value"] is second
    assert got[1][0] is first and got[1][1] is second


def test_bad_calls_say_what_to_do(run_app: Any) -> None:
    errors: list[str] = []

    def app() -> None:
        for call in (
            lambda: put_input("has space"),
            lambda: put_input("x", type="nope"),
            lambda: put_actions("a", buttons=[("Reset", 1, "reset")]),
            lambda: pin_update("x", type="number"),
            lambda: pin_update("x", multiple=True),
            lambda: pin_on_change("x"),
            lambda: pin_wait_change(),
        ):
            with pytest.raises(ValueError) as info:
                call()
            errors.append(str(info.value))

    run = run_app(app)
    run.join()
    assert "letters, digits" in errors[0]
    assert "put_input() type must be one of" in errors[1]
    assert "'submit' type buttons" in errors[2]
    assert "cannot change 'type'" in errors[3] and "output a new widget" in errors[3]
    assert "cannot change 'multiple'" in errors[4]
    assert "clear=True" in errors[5]
    assert "at least one pin name" in errors[6]


# ------------------------------------------------------------------ pin object
def test_get_pin_value_button(run_app: Any) -> None:
    def app() -> None:
        put_input("pin_name")
        put_buttons(["Get Pin Value"], lambda _: put_text(pin.pin_name))

    run = run_app(app)
    run.join()
    buttons = run.wait_command("output", where=lambda c: c["spec"]["type"] == "buttons")
    change(run, "pin_name", "typed")
    run.click(buttons["spec"]["callback_id"], 0)
    wait_text(run, "typed")
    assert run.commands("pin_value") == []


def test_item_and_attribute_access_agree_and_unknown_names_are_none(run_app: Any) -> None:
    def app() -> Any:
        put_input("pin_name", value="v")
        return pin["pin_name"] == pin.pin_name, pin.missing, pin["missing"]

    run = run_app(app)
    assert run.join() == (True, None, None)


def test_use_strict_raises_for_a_widget_not_shown(run_app: Any) -> None:
    from pywebio_nb.pin import Pin_

    strict = Pin_()
    strict.use_strict()

    def app() -> None:
        with pytest.raises(AssertionError, match="doesn't exist"):
            _ = strict.missing

    run = run_app(app)
    run.join()
    assert pin._strict is False


def test_counter_example_sets_values_from_python(run_app: Any) -> None:
    def app() -> Any:
        put_input("counter", type="number", value=0)
        for _ in range(3):
            pin.counter = pin.counter + 1  # Equivalent to: pin['counter'] = pin['counter'] + 1
        return pin.counter

    run = run_app(app)
    assert run.join() == 3
    updates = [c["spec"] for c in run.commands("pin_update")]
    assert updates == [{"name": "counter", "attributes": {"value": str(n)}} for n in (1, 2, 3)]
    assert run.commands("pin_value") == []


def test_a_new_widget_of_the_same_name_replaces_the_old_one(run_app: Any) -> None:
    def app() -> Any:
        put_input("x", value="old")
        put_select("x", options=["A", "B"], value="B")
        return pin.x

    run = run_app(app)
    assert run.join() == "B"
    change(run, "x", 0)
    assert run.session.page.pins.values["x"] == 0


def test_the_older_widget_is_told_to_expire_where_it_is_shown(run_app: Any) -> None:
    def app() -> None:
        put_input("x")
        put_input("y")
        put_input("x")

    run = run_app(app)
    run.join()
    (expire,) = run.commands("pin_update")
    assert expire["spec"] == {"name": "x", "attributes": {"expired": True}}
    # a snapshot (reload) redraws the older one as expired, the new one as live
    items = [c["spec"]["input"] for c in run.session.page.snapshot("page")]
    assert [(i["name"], i.get("expired", False)) for i in items] == [
        ("x", True),
        ("y", False),
        ("x", False),
    ]
    assert run.session.page.pins.updates == {}


def test_a_removed_widget_reads_none(run_app: Any) -> None:
    from pywebio_nb.output import remove

    def app() -> Any:
        with use_scope("s"):
            put_input("x", value="v")
        before = pin.x
        remove("s")
        return before, pin.x

    run = run_app(app)
    assert run.join() == ("v", None)


# ------------------------------------------------------------- pin_wait_change
def test_wait_change_example(run_app: Any) -> None:
    run = run_app(examples.pin_wait_change_sum)
    run.wait_command("output", 2)
    change(run, "a", "2")
    wait_text(run, "a + b = 2")
    change(run, "b", "40")
    wait_text(run, "a + b = 42")
    run.join()
    code = [c["spec"]["content"] for c in run.commands("output") if c["spec"]["type"] == "code"]
    assert code[-1] == str({"name": "b", "value": 40})


def test_wait_change_timeout_returns_none(run_app: Any) -> None:
    def app() -> Any:
        put_input("a")
        return pin_wait_change("a", timeout=0.05)

    run = run_app(app)
    assert run.join() is None


def test_setting_a_value_from_python_does_not_wake_a_wait(run_app: Any) -> None:
    def app() -> Any:
        put_input("a")
        pin.a = "from python"
        pin_update("a", value="again")
        return pin_wait_change("a", timeout=0.2), pin.a

    run = run_app(app)
    assert run.join() == (None, "again")


def test_changes_made_while_the_loop_body_runs_are_not_lost(run_app: Any) -> None:
    body = threading.Event()
    go_on = threading.Event()
    seen: list[Any] = []

    def app() -> None:
        put_textarea("md")
        seen.append(pin_wait_change("md")["value"])
        body.set()
        go_on.wait(TIMEOUT)  # the loop body is busy while the user types on
        seen.append(pin_wait_change("md")["value"])

    run = run_app(app)
    run.wait_command("output")
    change(run, "md", "#")
    assert body.wait(TIMEOUT)
    change(run, "md", "# T")
    change(run, "md", "# Ti")
    go_on.set()
    run.join()
    assert seen == ["#", "# Ti"]


def test_wait_on_names_given_as_a_list(run_app: Any) -> None:
    def app() -> Any:
        put_input("a")
        put_input("b")
        return pin_wait_change(["a", "b"])

    run = run_app(app)
    run.wait_command("output", 2)
    change(run, "b", "x")
    assert run.join() == {"name": "b", "value": "x"}


# ----------------------------------------------------------------- pin_update
def test_pin_update_sends_attributes_and_options_by_index(run_app: Any) -> None:
    def app() -> Any:
        put_select("s", options=["A", "B"])
        pin_update("s", label="Pick", help_text="help", options=["X", "Y", "Z"], value="Z")
        return pin.s

    run = run_app(app)
    assert run.join() == "Z"
    (update,) = run.commands("pin_update")
    assert update["spec"]["name"] == "s"
    attrs = update["spec"]["attributes"]
    assert attrs["label"] == "Pick" and attrs["help_text"] == "help"
    assert [o["value"] for o in attrs["options"]] == [0, 1, 2]
    assert attrs["value"] == 2


def test_a_snapshot_redraws_pins_with_their_current_values(run_app: Any) -> None:
    def app() -> None:
        put_input("t", value="start")
        put_checkbox("c", options=["A", "B"], value=["A"])
        pin_update("t", label="Renamed")

    run = run_app(app)
    run.join()
    change(run, "t", "typed")
    change(run, "c", [1])
    items = [c["spec"]["input"] for c in run.session.page.snapshot("page")]
    assert items[0]["value"] == "typed" and items[0]["label"] == "Renamed"
    assert items[1]["value"] == [1]
    assert not any(o.get("selected") for o in items[1]["options"])


# --------------------------------------------------------------- pin_on_change
def test_pin_on_change_callbacks_run_in_order_until_cleared(run_app: Any) -> None:
    calls: list[Any] = []
    first_done, second_done = threading.Event(), threading.Event()

    def first(value: Any) -> None:
        calls.append(("first", value))
        if value == 7:
            first_done.set()

    def app() -> None:
        put_slider("s", value=1)
        pin_on_change("s", first, init_run=True)
        pin_on_change(
            "s", lambda v: (calls.append(("second", v)), second_done.set()), serial_mode=True
        )

    run = run_app(app)
    run.join()
    change(run, "s", 7)
    # The two callbacks run on different workers: wait for both.
    assert first_done.wait(TIMEOUT) and second_done.wait(TIMEOUT)
    assert calls[0] == ("first", 1)  # init_run, before any change
    assert ("first", 7) in calls and ("second", 7) in calls
    run.session.dispatch({"event": "pin_change", "task_id": None, "data": {"name": "s"}})


def test_pin_on_change_clear_drops_callbacks(run_app: Any) -> None:
    calls: list[Any] = []
    done = threading.Event()

    def app() -> None:
        put_input("i")
        pin_on_change("i", calls.append)
        pin_on_change("i", clear=True)
        pin_on_change("i", lambda v: (calls.append(("new", v)), done.set()))

    run = run_app(app)
    run.join()
    change(run, "i", "x")
    assert done.wait(TIMEOUT)
    assert calls == [("new", "x")]


def test_markdown_previewer(run_app: Any) -> None:
    def app() -> None:
        put_textarea("md_text", rows=18, code={"mode": "markdown"})
        for _ in range(2):
            change_detail = pin_wait_change("md_text")
            with use_scope("md", clear=True):
                put_markdown(change_detail["value"])

    run = run_app(app)
    run.wait_command("output")
    change(run, "md_text", "# Hello")
    run.wait_command("output", where=lambda c: c["spec"].get("content") == "# Hello")
    change(run, "md_text", "# Hello *world*")
    run.join()
    assert run.scope("md").texts() == ["# Hello *world*"]


# ----------------------------------------------------------- coroutine session
def test_coroutine_session_awaits_reads_and_waits() -> None:
    results: list[Any] = []
    loop = asyncio.new_event_loop()
    transport = MemoryTransport()

    async def app() -> None:
        put_input("a", type="number", value=1)
        put_input("d", type="date", value="bad")
        results.append(await pin.a)
        results.append(await pin["d"])
        results.append(await pin_wait_change("a"))
        results.append(await pin_wait_change("a", timeout=0.01))

    session = CoroutineSession(app, transport, loop=loop)

    async def drive() -> None:
        session.start()
        ask = await asyncio.to_thread(
            transport.wait_for, lambda cs: [c for c in cs if c["command"] == "pin_value"]
        )
        session.dispatch({"event": "js_yield", "task_id": ask[0]["task_id"], "data": ""})
        session.dispatch(
            {"event": "pin_change", "task_id": None, "data": {"name": "a", "value": "5"}}
        )
        assert session.task is not None
        await asyncio.wait_for(session.task, TIMEOUT)

    try:
        loop.run_until_complete(drive())
    finally:
        session.close()
        loop.close()
    assert results == [1, "", {"name": "a", "value": 5}, None]
