"""pywebio_nb.output: output specs on the wire and their effect on the page model."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from pywebio_nb.output import (
    clear,
    get_scope,
    put_button,
    put_buttons,
    put_code,
    put_html,
    put_markdown,
    put_scope,
    put_table,
    put_text,
    remove,
    scroll_to,
    style,
    toast,
    use_scope,
)
from pywebio_nb.session import get_current_session

ROOT_SEL = "#pywebio-scope-ROOT"


def _outputs(run: Any) -> list[dict[str, Any]]:
    return [c["spec"] for c in run.commands("output")]


# ------------------------------------------------------------------ content


def test_put_text_spec_and_page(run_app) -> None:
    def app() -> None:
        put_text("hello", 42, None, sep="-")
        put_text("inline", inline=True)

    run = run_app(app)
    run.join()
    first, second = _outputs(run)
    assert first == {
        "type": "text",
        "content": "hello-42-None",
        "inline": False,
        "scope": ROOT_SEL,
        "position": -1,
    }
    assert second["inline"] is True
    assert run.page.texts() == ["hello-42-None", "inline"]


def test_put_text_is_never_html(run_app) -> None:
    run = run_app(lambda: put_text("<b>x</b>"))
    run.join()
    assert _outputs(run)[0]["type"] == "text"
    assert run.page.texts() == ["<b>x</b>"]


MD_EXAMPLE_IN_FUNCTION = """ # H1
    This is content.
    """

MD_INDENTED_BLOCK = """
    # Title

    * item
        * nested
    """


@pytest.mark.parametrize(
    ("source", "lstrip", "expected"),
    [
        (MD_EXAMPLE_IN_FUNCTION, True, "# H1\nThis is content.\n"),
        (MD_INDENTED_BLOCK, True, "# Title\n\n* item\n    * nested\n"),
        (MD_INDENTED_BLOCK, False, MD_INDENTED_BLOCK),
        ("**bold**", True, "**bold**"),
        ("  one line", True, "one line"),
    ],
    ids=["manual-example", "indented-block", "no-lstrip", "plain", "one-line"],
)
def test_put_markdown_lstrip(run_app, source: str, lstrip: bool, expected: str) -> None:
    run = run_app(lambda: put_markdown(source, lstrip=lstrip))
    run.join()
    (spec,) = _outputs(run)
    assert spec["type"] == "markdown"
    assert spec["content"] == expected
    assert spec["sanitize"] is True
    assert run.page.texts() == [expected]


class _Frame:
    def _repr_html_(self) -> str:
        return "<table><tr><td>1</td></tr></table>"


class _Markup:
    def __html__(self) -> str:
        return "<i>safe</i>"


@pytest.mark.parametrize(
    ("html", "kwargs", "content", "sanitize"),
    [
        ("<b>bold</b>", {}, "<b>bold</b>", False),
        ("<script>x()</script>", {"sanitize": True}, "<script>x()</script>", True),
        (_Frame(), {}, "<table><tr><td>1</td></tr></table>", False),
        (_Markup(), {}, "<i>safe</i>", False),
        (123, {}, "123", False),
    ],
    ids=["str", "sanitize", "repr_html", "dunder_html", "int"],
)
def test_put_html(run_app, html: Any, kwargs: dict[str, Any], content: str, sanitize: bool) -> None:
    run = run_app(lambda: put_html(html, **kwargs))
    run.join()
    (spec,) = _outputs(run)
    assert (spec["type"], spec["content"], spec["sanitize"]) == ("html", content, sanitize)


def test_put_code(run_app) -> None:
    run = run_app(lambda: put_code("print(1)", language="python", rows=3))
    run.join()
    (spec,) = _outputs(run)
    assert (spec["content"], spec["language"], spec["rows"]) == ("print(1)", "python", 3)


def test_put_table_list_of_lists(run_app) -> None:
    def app() -> None:
        put_table(
            [
                ["Type", "Content"],
                ["html", put_html("X<sup>2</sup>")],
                ["text", "<hr/>"],
                [3, None],
            ]
        )

    run = run_app(app)
    run.join()
    (spec,) = _outputs(run)  # the nested put_html is not sent on its own
    assert spec["type"] == "table"
    assert spec["data"] == [
        ["Type", "Content"],
        ["html", {"type": "html", "content": "X<sup>2</sup>", "sanitize": False}],
        ["text", "<hr/>"],
        ["3", "None"],
    ]
    assert run.page.texts() == [
        "Type",
        "Content",
        "html",
        "X<sup>2</sup>",
        "text",
        "<hr/>",
        "3",
        "None",
    ]


@pytest.mark.parametrize(
    ("header", "expected_header", "keys"),
    [
        (["c", "a"], ["c", "a"], ["c", "a"]),
        ([("Col C", "c"), ("Col A", "a")], ["Col C", "Col A"], ["c", "a"]),
    ],
    ids=["keys", "label-key-pairs"],
)
def test_put_table_list_of_dicts(
    run_app, header: list[Any], expected_header: list[str], keys: list[str]
) -> None:
    rows = [{"a": 1, "b": 2, "c": 3}, {"a": "x", "c": put_text("nested")}]
    run = run_app(lambda: put_table(rows, header=header))
    run.join()
    (spec,) = _outputs(run)
    assert spec["data"][0] == expected_header
    assert spec["data"][1] == ["3", "1"]
    assert spec["data"][2][1] == "x"
    assert spec["data"][2][0]["content"] == "nested"
    assert spec["data"][2][0]["type"] == "text"
    assert "scope" not in spec["data"][2][0]


def test_put_table_dicts_without_header_use_first_keys(run_app) -> None:
    run = run_app(lambda: put_table([{"k": 1, "v": 2}, {"v": 3}]))
    run.join()
    assert _outputs(run)[0]["data"] == [["k", "v"], ["1", "2"], ["", "3"]]


def test_style_and_chaining(run_app) -> None:
    def app() -> None:
        put_text("red").style("color:red").style("font-weight:bold")
        style(put_text("blue"), "color:blue")
        style([put_text("g1"), put_text("g2")], "color:green")

    run = run_app(app)
    run.join()
    specs = _outputs(run)
    assert "color:red" in specs[0]["style"] and "font-weight:bold" in specs[0]["style"]
    assert specs[0]["style"].index("color:red") < specs[0]["style"].index("font-weight")
    assert "color:blue" in specs[1]["style"]
    assert ["color:green" in s["style"] for s in specs[2:]] == [True, True]
    assert run.page.texts() == ["red", "blue", "g1", "g2"]


def test_manual_style_example_keeps_order(run_app) -> None:
    def app() -> None:
        style(put_text("Red"), "color:red")
        style(
            [
                put_text("Red"),
                put_markdown("~~del~~"),
            ],
            "color:red",
        )
        put_table(
            [
                ["A", "B"],
                ["C", style(put_text("Red"), "color:red")],
            ]
        )

    run = run_app(app)
    run.join()
    specs = _outputs(run)
    assert [s["type"] for s in specs] == ["text", "text", "markdown", "table"]
    assert run.page.texts() == ["Red", "Red", "~~del~~", "A", "B", "C", "Red"]
    assert "color:red" in specs[3]["data"][1][1]["style"]


def test_styled_list_embedded_in_scope_is_not_sent_alone(run_app) -> None:
    run = run_app(lambda: put_scope("s", style([put_text("a"), put_text("b")], "color:red")))
    run.join()
    (spec,) = _outputs(run)
    assert [c["content"] for c in spec["contents"]] == ["a", "b"]


# ------------------------------------------------------------- sending rules


def test_unassigned_output_is_sent_when_the_statement_ends(run_app) -> None:
    counts: dict[str, int] = {}

    def app() -> None:
        transport = get_current_session().transport
        n = lambda: len(transport.commands("output"))  # noqa: E731
        put_text("statement")
        counts["after_statement"] = n()
        held = put_text("held")
        counts["after_assignment"] = n()
        held.show()
        counts["after_show"] = n()
        held.show()
        counts["after_second_show"] = n()
        del held
        counts["after_del"] = n()

    run = run_app(app)
    run.join()
    assert counts == {
        "after_statement": 1,
        "after_assignment": 1,
        "after_show": 2,
        "after_second_show": 2,
        "after_del": 2,
    }
    assert run.page.texts() == ["statement", "held"]


def test_assigned_output_is_sent_when_dropped(run_app) -> None:
    def app() -> None:
        first = put_text("first")
        put_text("second")
        del first

    run = run_app(app)
    run.join()
    assert run.page.texts() == ["second", "first"]


def test_embedded_output_is_not_sent_on_its_own(run_app) -> None:
    def app() -> None:
        inner = put_text("inner")
        put_scope("box", [inner, put_markdown("*md*")])
        inner.show()  # already part of the scope: nothing more is sent
        del inner

    run = run_app(app)
    run.join()
    (spec,) = _outputs(run)
    assert spec["type"] == "scope"
    assert [c["content"] for c in spec["contents"]] == ["inner", "*md*"]
    assert all("scope" not in c and "position" not in c for c in spec["contents"])
    assert run.scope("box").texts() == ["inner", "*md*"]


# ------------------------------------------------------------------- buttons


def test_put_buttons_values_are_indexes_and_callback_gets_real_value(run_app) -> None:
    marker = object()
    received: list[Any] = []
    done = threading.Event()
    app_thread: list[threading.Thread] = []

    def on_click(value: Any) -> None:
        session = get_current_session()
        received.append((value, threading.current_thread(), session))
        put_text(f"clicked {value is marker}")
        done.set()

    def app() -> None:
        app_thread.append(threading.current_thread())
        put_buttons(
            ["A", ("Obj", marker), {"label": "Dict", "value": 3, "color": "danger"}],
            onclick=on_click,
            small=True,
        )

    run = run_app(app)
    run.join()
    (spec,) = _outputs(run)
    assert spec["type"] == "buttons"
    assert spec["small"] is True
    assert spec["buttons"] == [
        {"label": "A", "value": 0},
        {"label": "Obj", "value": 1},
        {"label": "Dict", "value": 2, "color": "danger"},
    ]
    run.click(spec["callback_id"], 1)
    assert done.wait(5)
    run.wait_command("output", 2)
    ((value, thread, session),) = received
    assert value is marker
    assert thread is not app_thread[0]
    assert thread.name.startswith("pywebio-nb-cb")
    assert session is run.session
    assert run.page.texts() == ["clicked True"]
    run.click(spec["callback_id"], 2)
    run.wait_command("output", 3)
    assert received[1][0] == 3


def test_put_buttons_list_of_callbacks(run_app) -> None:
    def app() -> None:
        put_buttons(["one", "two"], onclick=[lambda: put_text("1"), lambda: put_text("2")])

    run = run_app(app)
    run.join()
    (spec,) = _outputs(run)
    run.click(spec["callback_id"], 1)
    run.wait_command("output", 2)
    run.click(spec["callback_id"], 0)
    run.wait_command("output", 3)
    assert run.page.texts() == ["2", "1"]


def test_put_buttons_callback_count_mismatch(run_app) -> None:
    def app() -> None:
        put_buttons(["a", "b", "c"], onclick=[lambda: None, lambda: None])

    run = run_app(app)
    with pytest.raises(ValueError, match="3 buttons but 2 onclick"):
        run.join()


def test_callback_output_goes_to_root_not_to_the_creating_scope(run_app) -> None:
    def app() -> None:
        with use_scope("panel"):
            put_button("go", onclick=lambda: put_text(f"in {get_scope()}"))

    run = run_app(app)
    run.join()
    (spec,) = _outputs(run)
    run.click(spec["callback_id"], 0)
    out = run.wait_command("output", 2)
    assert out["spec"]["scope"] == ROOT_SEL
    assert out["spec"]["content"] == "in ROOT"


def test_put_button(run_app) -> None:
    done = threading.Event()

    def app() -> None:
        put_button("Click me", onclick=done.set, color="success", disabled=True, outline=True)

    run = run_app(app)
    run.join()
    (spec,) = _outputs(run)
    assert spec["buttons"] == [
        {"label": "Click me", "value": 0, "disabled": True, "color": "success"}
    ]
    assert spec["outline"] is True
    run.click(spec["callback_id"], 0)
    assert done.wait(5)


def test_output_onclick(run_app) -> None:
    done = threading.Event()

    def app() -> None:
        put_text("clickable").onclick(done.set)

    run = run_app(app)
    run.join()
    (spec,) = _outputs(run)
    run.click(spec["click_callback_id"])
    assert done.wait(5)


def test_toast_onclick(run_app) -> None:
    done = threading.Event()
    run = run_app(lambda: toast("saved", duration=0, color="success", onclick=done.set))
    run.join()
    (command,) = run.commands("toast")
    assert command["spec"]["content"] == "saved"
    assert command["spec"]["color"] == "#2e7d32"
    run.click(command["spec"]["callback_id"])
    assert done.wait(5)


# -------------------------------------------------------------------- scopes


def test_use_scope_context_manager_sends_set_scope(run_app) -> None:
    names: list[str] = []

    def app() -> None:
        with use_scope("s1") as name:
            names.append(name)
            put_text("in s1")
        with use_scope("s1", clear=True):
            put_text("again")

    run = run_app(app)
    run.join()
    first, second, loose = run.commands("output_ctl")
    assert first["spec"] == {
        "set_scope": "pywebio-scope-s1",
        "container": ROOT_SEL,
        "position": -1,
        "if_exist": None,
    }
    # clear=True keeps the scope's height while it is refilled, then lets go (PyWebIO 1.8)
    assert second["spec"]["if_exist"] == "blank"
    assert loose["spec"] == {"loose": "#pywebio-scope-s1"}
    assert names == ["s1"]
    assert run.scope("s1").texts() == ["again"]
    assert [o["scope"] for o in _outputs(run)] == ["#pywebio-scope-s1"] * 2


def test_use_scope_without_name_is_unique(run_app) -> None:
    names: list[str] = []

    def app() -> None:
        for _ in range(2):
            with use_scope() as name:
                names.append(name)
                put_text(name)

    run = run_app(app)
    run.join()
    assert len(set(names)) == 2
    assert [run.scope(n).texts() for n in names] == [[names[0]], [names[1]]]


@pytest.mark.parametrize("name", ["", "a.b", "a b", "a#b", 3])
def test_use_scope_rejects_bad_names(name: Any) -> None:
    with pytest.raises(ValueError, match="scope name"):
        use_scope(name)


def test_use_scope_decorator_clear(run_app) -> None:
    @use_scope("time", clear=True)
    def show_time(value: str) -> str | None:
        put_text(value)
        return get_scope()

    def app() -> list[str | None]:
        return [show_time("t1"), show_time("t2"), get_scope()]

    run = run_app(app)
    assert run.join() == ["time", "time", "ROOT"]
    assert run.scope("time").texts() == ["t2"]
    assert run.page.texts() == ["t2"]


def test_get_scope_and_nested_scopes(run_app) -> None:
    seen: dict[str, Any] = {}

    def app() -> None:
        with use_scope("a"):
            put_text("a1")
            with use_scope("b"):
                seen["stack"] = [get_scope(0), get_scope(-2), get_scope(), get_scope(5)]
                put_text("b1")
                put_text("to a", scope=-2)
                put_text("to root", scope=0)
                put_text("to root by name", scope="ROOT")
            put_text("a2")

    run = run_app(app)
    run.join()
    assert seen["stack"] == ["ROOT", "a", "b", None]
    a, b = run.scope("a"), run.scope("b")
    assert b.parent is a and a.parent is run.page
    assert a.texts() == ["a1", "b1", "to a", "a2"]
    assert run.page.texts() == ["a1", "b1", "to a", "a2", "to root", "to root by name"]
    set_b = run.commands("output_ctl")[1]["spec"]
    assert set_b["container"] == "#pywebio-scope-a"


def test_scope_index_outside_stack_raises(run_app) -> None:
    run = run_app(lambda: put_text("x", scope=3))
    with pytest.raises(ValueError, match="outside the scope stack"):
        run.join()


def test_manual_scope_parameter_example(run_app) -> None:
    def app() -> None:
        with use_scope("scope3"):
            put_text("text1 in scope3")
            put_text("text in ROOT scope", scope="ROOT")
        put_text("text2 in scope3", scope="scope3")

    run = run_app(app)
    run.join()
    assert run.page.texts() == ["text1 in scope3", "text2 in scope3", "text in ROOT scope"]


def test_output_to_missing_scope_changes_nothing(run_app) -> None:
    run = run_app(lambda: put_text("lost", scope="nowhere"))
    run.join()
    assert _outputs(run)[0]["scope"] == "#pywebio-scope-nowhere"
    assert run.page.texts() == []


POSITION_STEPS = [
    ("A", -1, ["A"]),
    ("B", 0, ["B", "A"]),
    ("C", -2, ["B", "C", "A"]),
    ("D", 1, ["B", "D", "C", "A"]),
]


@pytest.mark.parametrize(
    "steps", [POSITION_STEPS[: i + 1] for i in range(4)], ids=[s[0] for s in POSITION_STEPS]
)
def test_manual_position_example(run_app, steps: list[tuple[str, int, list[str]]]) -> None:
    def app() -> None:
        with use_scope("scope1"):
            for text, position, _ in steps:
                put_text(text, position=position)

    run = run_app(app)
    run.join()
    assert [o["position"] for o in _outputs(run)] == [p for _, p, _ in steps]
    assert run.scope("scope1").texts() == steps[-1][2]


def test_put_scope_with_content(run_app) -> None:
    def app() -> None:
        put_text("before")
        put_scope("side", [put_text("x"), put_text("y")])
        put_scope("first", put_text("only"), position=0)
        put_text("into side", scope="side")
        with use_scope("side"):
            put_text("z")

    run = run_app(app)
    run.join()
    scope_specs = [o for o in _outputs(run) if o["type"] == "scope"]
    assert scope_specs[0]["dom_id"] == "pywebio-scope-side"
    assert scope_specs[1]["position"] == 0
    assert run.scope("side").texts() == ["x", "y", "into side", "z"]
    assert run.scope("first").texts() == ["only"]
    assert run.page.texts() == ["only", "before", "x", "y", "into side", "z"]
    # entering an existing scope does not move or duplicate it
    assert [c.name for c in run.page.children if hasattr(c, "name")] == ["first", "side"]


def test_clear_remove_scroll_to(run_app) -> None:
    def app() -> None:
        put_text("keep")
        with use_scope("a"):
            put_text("a1")
            with use_scope("b"):
                put_text("b1")
            clear()  # the current scope: a
            put_text("a2")
        with use_scope("c"):
            put_text("c1")
            scroll_to(position="bottom")
            remove()  # the current scope: c
        scroll_to("a")
        remove("nothing_here")

    run = run_app(app)
    run.join()
    specs = [c["spec"] for c in run.commands("output_ctl") if "set_scope" not in c["spec"]]
    assert specs == [
        {"clear": "#pywebio-scope-a"},
        {"scroll_to": "#pywebio-scope-c", "position": "bottom"},
        {"remove": "#pywebio-scope-c"},
        {"scroll_to": "#pywebio-scope-a", "position": "top"},
        {"remove": "#pywebio-scope-nothing_here"},
    ]
    assert run.page.texts() == ["keep", "a2"]
    assert run.session.page.scope("b") is None  # cleared away with a's content
    assert run.session.page.scope("c") is None


def test_clear_root_empties_page(run_app) -> None:
    def app() -> None:
        put_text("x")
        with use_scope("s"):
            put_text("y")
        clear("ROOT")
        put_text("z")

    run = run_app(app)
    run.join()
    assert run.commands("output_ctl")[-1]["spec"] == {"clear": ROOT_SEL}
    assert run.page.texts() == ["z"]
    assert run.session.page.scope("s") is None


@pytest.mark.parametrize("call", [lambda: remove("ROOT"), lambda: remove(0), remove])
def test_remove_root_raises(run_app, call: Any) -> None:
    run = run_app(call)
    with pytest.raises(ValueError, match="ROOT scope cannot be removed"):
        run.join()
    assert run.commands("output_ctl") == []


def test_scroll_to_rejects_bad_position(run_app) -> None:
    run = run_app(lambda: scroll_to("ROOT", position="left"))
    with pytest.raises(ValueError, match="'top', 'middle' or 'bottom'"):
        run.join()


@pytest.mark.parametrize("raw", ["0", 1.0, True, -1, 2, None, [0], {"i": 0}, "x" * 10_000])
def test_a_click_naming_no_button_is_dropped_not_an_app_error(
    run_app, caplog: pytest.LogCaptureFixture, raw: Any
) -> None:
    clicked: list[str] = []
    done = threading.Event()

    def click(label: str) -> None:
        clicked.append(label)
        done.set()

    def app() -> None:
        # serial_mode: this group's clicks are handled one at a time, in order.
        put_buttons(["a", "b"], onclick=[lambda: click("a"), lambda: click("b")], serial_mode=True)

    run = run_app(app)
    buttons = run.wait_command("output", where=lambda c: c["spec"]["type"] == "buttons")
    run.join()
    callback_id = buttons["spec"]["callback_id"]
    with caplog.at_level("WARNING"):
        run.click(callback_id, raw)
        run.click(callback_id, 1)  # a real click afterwards still works
        assert done.wait(5)
    # In serial mode the bad click was handled before the good one ran.
    assert clicked == ["b"]
    assert "named no button" in caplog.text
    assert "error in PyWebIO app code" not in caplog.text
