"""Layout + interaction family: scopes, rows/columns/grids, tabs, collapse, scrollable,
style/onclick, toast and popup, with the manual's examples, asserted on the commands
sent and on the page model."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from pywebio_nb.output import (
    PopupSize,
    clear,
    close_popup,
    get_scope,
    popup,
    put_button,
    put_buttons,
    put_code,
    put_collapse,
    put_column,
    put_grid,
    put_html,
    put_markdown,
    put_row,
    put_scope,
    put_scrollable,
    put_table,
    put_tabs,
    put_text,
    remove,
    scroll_to,
    span,
    style,
    toast,
    use_scope,
)
from pywebio_nb.session._page_model import PageModel, ScopeNode
from tests import _output_examples as examples

ROOT_SEL = "#pywebio-scope-ROOT"


def _outputs(run: Any) -> list[dict[str, Any]]:
    return [c["spec"] for c in run.commands("output")]


# ------------------------------------------------------- the manual's scope examples


def manual_use_scope() -> None:
    with use_scope("scope1"):
        put_text("text1 in scope1")
    put_text("text in parent scope of scope1")
    with use_scope("scope1"):
        put_text("text2 in scope1")


def manual_decorator() -> None:
    @use_scope("time", clear=True)
    def show_time() -> None:
        put_text(datetime(2024, 1, 1).isoformat())

    show_time()
    show_time()


def manual_nested() -> None:
    with use_scope("A"):
        put_text("Text in scope A")
        with use_scope("B"):
            put_text("Text in scope B")
    with use_scope("C"):
        put_text("Text in scope C")


def manual_scope_param() -> None:
    with use_scope("scope3"):
        put_text("text1 in scope3")
        put_text("text in ROOT scope", scope="ROOT")
    put_text("text2 in scope3", scope="scope3")


def manual_hyphen_scope() -> None:
    put_row([put_text("search")])
    with use_scope("search-area"):
        put_text("results")


SCOPE_EXAMPLES: list[tuple[str, Callable[[], None], list[Any]]] = [
    (
        "use_scope",
        manual_use_scope,
        [
            {"scope": "scope1", "children": ["text1 in scope1", "text2 in scope1"]},
            "text in parent scope of scope1",
        ],
    ),
    (
        "use_scope clear",
        examples.use_scope_clear,
        [{"scope": "scope2", "children": ["text in scope2"]}, "text in parent scope of scope2"],
    ),
    ("decorator", manual_decorator, [{"scope": "time", "children": ["2024-01-01T00:00:00"]}]),
    (
        "nested",
        manual_nested,
        [
            {
                "scope": "A",
                "children": ["Text in scope A", {"scope": "B", "children": ["Text in scope B"]}],
            },
            {"scope": "C", "children": ["Text in scope C"]},
        ],
    ),
    (
        "scope parameter",
        manual_scope_param,
        [
            {"scope": "scope3", "children": ["text1 in scope3", "text2 in scope3"]},
            "text in ROOT scope",
        ],
    ),
    ("position B D C A", examples.position, [{"scope": "scope1", "children": list("BDCA")}]),
    (
        "hyphen in a scope name",
        manual_hyphen_scope,
        ["search", {"scope": "search-area", "children": ["results"]}],
    ),
]


@pytest.mark.parametrize(
    ("app", "tree"), [(a, t) for _, a, t in SCOPE_EXAMPLES], ids=[n for n, _, _ in SCOPE_EXAMPLES]
)
def test_manual_scope_examples(run_app, app: Callable[[], None], tree: list[Any]) -> None:
    run = run_app(app)
    run.join()
    assert examples.tree(run.page) == tree


def test_put_scope_in_a_table_cell_is_a_live_scope(run_app) -> None:
    run = run_app(examples.put_scope_in_table)
    run.join()
    assert run.scope("hobby").texts() == ["**Coding**", "Movie", "Music", "Drama"]
    # the table (the only child of ROOT) shows the scope's current content
    assert run.page.texts() == ["Name", "Hobbies", "Tom", "**Coding**", "Movie", "Music", "Drama"]
    (table,) = _outputs(run)[:1]
    # the spec on the wire is not edited by the model
    assert table["data"][1][1]["contents"][0]["content"] == "Coding"


def test_use_scope_clear_blanks_then_looses(run_app) -> None:
    run = run_app(examples.use_scope_clear)
    run.join()
    ops = [c["spec"] for c in run.commands("output_ctl")]
    assert ops[1]["if_exist"] == "blank"
    assert ops[2] == {"loose": "#pywebio-scope-scope2"}


def test_use_scope_returns_a_generated_name_and_get_scope_indexes(run_app) -> None:
    seen: list[Any] = []

    def app() -> None:
        with use_scope() as name:
            seen.extend([name, get_scope(), get_scope(0), get_scope(-2), get_scope(7)])

    run = run_app(app)
    run.join()
    name = seen[0]
    assert seen[1:] == [name, "ROOT", "ROOT", None]
    assert name.isalnum()


def test_async_function_decorated_with_use_scope() -> None:
    from pywebio_nb.session._context import scope_stack_var

    @use_scope("x")
    async def job() -> str | None:
        await asyncio.sleep(0)
        return get_scope()

    # The decorator keeps a coroutine function a coroutine function.
    assert asyncio.iscoroutinefunction(job)
    assert scope_stack_var.get() == ("ROOT",)


def test_clear_remove_scroll_to_default_to_the_current_scope(run_app) -> None:
    def app() -> None:
        with use_scope("a"):
            put_text("x")
            scroll_to(position="middle")
            clear()
            put_text("y")
        with use_scope("b"):
            remove()

    run = run_app(app)
    run.join()
    ops = [c["spec"] for c in run.commands("output_ctl")]
    assert {"scroll_to": "#pywebio-scope-a", "position": "middle"} in ops
    assert {"clear": "#pywebio-scope-a"} in ops
    assert {"remove": "#pywebio-scope-b"} in ops
    assert examples.tree(run.page) == [{"scope": "a", "children": ["y"]}]


@pytest.mark.parametrize("name", ["a b", "a.b", "", "x#y"])
def test_put_scope_rejects_bad_names(name: str) -> None:
    with pytest.raises(ValueError, match="scope name"):
        put_scope(name)


# ---------------------------------------------------------------------- layout


def test_manual_row_column_example(run_app) -> None:
    run = run_app(examples.row_column)
    run.join()
    (row,) = _outputs(run)
    assert row["type"] == "row"
    assert row["size"] == "1fr 10px 1fr 10px 1fr"
    column = row["contents"][0]
    assert column["type"] == "column" and column["size"] == "1fr 1fr 1fr"
    assert column["contents"][1]["size"] == "1fr 10px 1fr 10px 1fr"
    assert row["contents"][1] == {"type": "html", "content": "", "sanitize": False}
    assert run.page.texts() == ["A", "B1", "B2", "B3", "C", "D", "E"]


@pytest.mark.parametrize(
    ("kwargs", "size"),
    [
        ({}, "1fr 10px 1fr"),
        ({"size": "40% 10px 60%"}, "40% 10px 60%"),
        ({"size": "minmax(100px, 1fr) auto 2fr"}, "minmax(100px, 1fr) auto 2fr"),
    ],
)
def test_put_row_size(run_app, kwargs: dict[str, Any], size: str) -> None:
    run = run_app(lambda: put_row([put_code("A"), None, put_code("B")], **kwargs))
    run.join()
    assert _outputs(run)[0]["size"] == size


def test_put_row_rejects_plain_values() -> None:
    with pytest.raises(TypeError, match="put_row"):
        put_row([42])  # type: ignore[list-item]


def test_manual_grid_example(run_app) -> None:
    run = run_app(examples.grid)
    run.join()
    (grid,) = _outputs(run)
    assert grid["type"] == "grid"
    assert grid["cell_widths"] == "repeat(3, 100px)"
    assert grid["cell_heights"] == "repeat(3, 100px)"
    assert grid["direction"] == "row"
    assert [c.get("content") for c in grid["contents"]] == [*"ABC", "", "D", *"EFG"]
    assert "grid-column-start: span 2" in grid["contents"][4]["style"]
    assert "grid-row-start: span 1" in grid["contents"][4]["style"]


def test_grid_span_example_pads_short_rows(run_app) -> None:
    def app() -> None:
        put_grid(
            [
                [put_text("A"), put_text("B")],
                [span(put_text("A"), col=2)],
                [put_text("Z")],
            ],
            cell_widths="1fr 2fr",
            direction="column",
        )

    run = run_app(app)
    run.join()
    (grid,) = _outputs(run)
    assert [c.get("content") for c in grid["contents"]] == ["A", "B", "A", "Z", ""]
    assert grid["cell_widths"] == "1fr 2fr"
    assert grid["cell_heights"] == "repeat(2, auto)"  # direction column swaps the counts
    assert grid["direction"] == "column"


def test_grid_rejects_bad_direction() -> None:
    with pytest.raises(ValueError, match="direction"):
        put_grid([[put_text("A")]], direction="diagonal")  # type: ignore[arg-type]


def test_manual_tabs_example(run_app) -> None:
    def app() -> None:
        put_tabs(
            [
                {"title": "Text", "content": "Hello world"},
                {"title": "Markdown", "content": put_markdown("~~Strikethrough~~")},
                {
                    "title": "More content",
                    "content": [
                        put_table([["Commodity", "Price"], ["Apple", "5.5"]]),
                        put_scope("in_tab", put_text("scoped")),
                    ],
                },
            ]
        )
        put_text("more", scope="in_tab")

    run = run_app(app)
    run.join()
    tabs = _outputs(run)[0]
    assert [t["title"] for t in tabs["tabs"]] == ["Text", "Markdown", "More content"]
    assert tabs["tabs"][0]["content"] == [{"type": "text", "content": "Hello world"}]
    assert run.scope("in_tab").texts() == ["scoped", "more"]
    assert run.session.page.root_of("in_tab") == "page"


def test_tabs_need_title_and_content() -> None:
    with pytest.raises(ValueError, match="title"):
        put_tabs([{"content": "x"}])


def test_manual_collapse_examples(run_app) -> None:
    def app() -> None:
        put_collapse(
            "Collapse title",
            ["text", put_markdown("~~Strikethrough~~"), put_table([["Commodity", "Price"]])],
            open=True,
        )
        put_collapse("Large text", "Awesome PyWebIO! " * 30)

    run = run_app(app)
    run.join()
    first, second = _outputs(run)
    assert first["type"] == "collapse" and first["title"] == "Collapse title"
    assert first["open"] is True and second["open"] is False
    assert [c["type"] for c in first["contents"]] == ["text", "markdown", "table"]
    assert second["contents"] == [{"type": "text", "content": "Awesome PyWebIO! " * 30}]


def test_manual_collapse_context_manager(run_app) -> None:
    names: list[str] = []

    def app() -> None:
        with put_collapse("This is title") as name:
            names.append(name)
            for i in range(4):
                put_text(i)
            put_table([["Commodity", "Price"], ["Apple", "5.5"], ["Banana", "7"]])
        put_text("after")

    run = run_app(app)
    run.join()
    (name,) = names
    collapse = _outputs(run)[0]
    assert collapse["container_dom_id"] == f"pywebio-scope-{name}"
    assert collapse["container_selector"] == ".pywebio-collapse__body"
    assert [o["scope"] for o in _outputs(run)[1:6]] == [f"#pywebio-scope-{name}"] * 5
    node = run.scope(name)
    assert node.spec is not None and node.spec["type"] == "collapse"
    assert node.texts()[:4] == ["0", "1", "2", "3"]
    assert examples.tree(run.page)[-1] == "after"


@pytest.mark.parametrize("factory", [put_row, put_column])
def test_row_and_column_as_context_managers(run_app, factory: Callable[..., Any]) -> None:
    def app() -> None:
        with factory() as name:
            put_text("a")
            put_text("b", position=0)
        put_text("c", scope=name)

    run = run_app(app)
    run.join()
    ((scope,),) = [[c for c in run.page.children if isinstance(c, ScopeNode)]]
    assert examples.tree(run.page) == [{"scope": scope.name, "children": ["b", "a", "c"]}]


def test_output_without_context_manager_support_raises(run_app) -> None:
    def app() -> None:
        with pytest.raises(RuntimeError, match="context manager"):
            with put_text("x"):
                pass

    run_app(app).join()


def test_manual_scrollable_example(run_app) -> None:
    def app() -> None:
        put_scrollable(put_scope("scrollable"), height=200, keep_bottom=True)
        put_text("You can click the area to prevent auto scroll.", scope="scrollable")
        for i in range(3):  # the manual loops forever with a sleep
            put_text(i, scope="scrollable")

    run = run_app(app)
    run.join()
    box = _outputs(run)[0]
    assert box["type"] == "scrollable"
    assert (box["min_height"], box["max_height"]) == (200, 200)
    assert box["keep_bottom"] is True and box["border"] is True
    assert run.scope("scrollable").texts()[1:] == ["0", "1", "2"]


@pytest.mark.parametrize(
    ("height", "bounds"), [(400, (400, 400)), ((100, 200), (100, 200)), (None, (None, None))]
)
def test_scrollable_height_forms(run_app, height: Any, bounds: tuple[Any, Any]) -> None:
    run = run_app(lambda: put_scrollable("x", height=height, border=False))
    run.join()
    box = _outputs(run)[0]
    assert (box.get("min_height"), box.get("max_height")) == bounds
    assert box["border"] is False


def test_scrollable_max_height_is_deprecated(run_app) -> None:
    def app() -> None:
        with pytest.warns(DeprecationWarning, match="height"):
            put_scrollable("x", max_height=50)

    run = run_app(app)
    run.join()
    assert _outputs(run)[0]["max_height"] == 50


# ---------------------------------------------------------------- style / onclick


def test_manual_style_examples(run_app) -> None:
    def app() -> None:
        put_text("hello").style("color: red; font-size: 20px")
        put_row([put_text("hello").style("color: red"), put_markdown("markdown")]).style(
            "margin-top: 20px"
        )
        style(put_text("Red"), "color:red")
        put_collapse(
            "title", style([put_text("text"), put_markdown("~~del~~")], "margin-left:20px")
        )

    run = run_app(app)
    run.join()
    text, row, red, collapse = _outputs(run)
    assert text["style"] == ";color: red; font-size: 20px"
    assert row["style"] == ";margin-top: 20px"
    assert row["contents"][0]["style"] == ";color: red"
    assert red["style"] == ";color:red"
    assert [c["style"] for c in collapse["contents"]] == [";margin-left:20px"] * 2


def test_style_rejects_non_outputs() -> None:
    with pytest.raises(TypeError, match="style"):
        style(["text"], "color:red")  # type: ignore[list-item]


def test_manual_onclick_in_a_table_cell(run_app) -> None:
    def app() -> None:
        put_table(
            [
                ["Commodity", "Price"],
                ["Apple", put_text("5.5").onclick(lambda: toast("You click the text"))],
            ]
        )

    run = run_app(app)
    run.join()
    cell = _outputs(run)[0]["data"][1][1]
    run.click(cell["click_callback_id"])
    toast_cmd = run.wait_command("toast")
    assert toast_cmd["spec"]["content"] == "You click the text"


# ---------------------------------------------------------------------- toast


def test_manual_toast_example(run_app) -> None:
    def show_msg() -> None:
        put_text("You clicked the notification.")

    run = run_app(
        lambda: toast(
            "New messages", position="right", color="#2188ff", duration=0, onclick=show_msg
        )
    )
    run.join()
    (command,) = run.commands("toast")
    spec = command["spec"]
    assert {k: spec[k] for k in ("content", "duration", "position", "color")} == {
        "content": "New messages",
        "duration": 0,
        "position": "right",
        "color": "#2188ff",
    }
    run.click(spec["callback_id"])
    run.wait_command("output")
    assert run.page.texts() == ["You clicked the notification."]


@pytest.mark.parametrize(
    ("color", "css"),
    [
        ("info", "#1565c0"),
        ("error", "#e53935"),
        ("warn", "#ef6c00"),
        ("success", "#2e7d32"),
        ("#abc", "#abc"),
    ],
)
def test_toast_colors_and_milliseconds(run_app, color: str, css: str) -> None:
    run = run_app(lambda: toast("x", duration=1.5, color=color))
    run.join()
    spec = run.commands("toast")[0]["spec"]
    assert spec["color"] == css
    assert spec["duration"] == 1500
    assert spec["position"] == "center" and spec["callback_id"] is None


def test_toast_rejects_bad_position(run_app) -> None:
    def app() -> None:
        with pytest.raises(ValueError, match="position"):
            toast("x", position="top")  # type: ignore[arg-type]

    run_app(app).join()


# ---------------------------------------------------------------------- popup


def test_manual_popup_direct_calls(run_app) -> None:
    clicked = threading.Event()

    def app() -> None:
        popup("popup title", "popup text content", size=PopupSize.SMALL)
        popup(
            "Popup title",
            [
                put_html("<h3>Popup Content</h3>"),
                "html: <br/>",
                put_table([["A", "B"], ["C", "D"]]),
                put_buttons(["close_popup()"], onclick=lambda _: (close_popup(), clicked.set())),
            ],
        )

    run = run_app(app)
    run.join()
    first, second = (c["spec"] for c in run.commands("popup"))
    assert first["title"] == "popup title" and first["size"] == "small"
    assert first["content"] == [{"type": "text", "content": "popup text content"}]
    assert (first["implicit_close"], first["closable"]) == (True, True)
    assert [c["type"] for c in second["content"]] == ["html", "text", "table", "buttons"]
    assert second["content"][1]["content"] == "html: <br/>"  # text, not HTML
    assert _outputs(run) == []  # the content travels inside the popup only
    # one popup at a time: the model keeps the second
    assert run.session.page.popups["page"].spec["title"] == "Popup title"  # type: ignore[index]
    assert run.session.page.popups["page"].texts()[:2] == ["<h3>Popup Content</h3>", "html: <br/>"]
    run.click(second["content"][3]["callback_id"], 0)
    assert clicked.wait(5)
    run.wait_command("close_popup")
    assert run.session.page.popups == {}


def test_manual_popup_context_manager(run_app) -> None:
    names: list[str] = []

    def app() -> None:
        with popup("Popup title") as s:
            names.append(s)
            put_html("<h3>Popup Content</h3>")
            put_text("html: <br/>")
            put_buttons([("clear()", s)], onclick=clear)
        put_text("Also work!", scope=s)

    run = run_app(app)
    run.join()
    (s,) = names
    (command,) = run.commands("popup")
    assert command["spec"]["dom_id"] == f"pywebio-scope-{s}"
    assert [o["scope"] for o in _outputs(run)] == [f"#pywebio-scope-{s}"] * 4
    node = run.scope(s)
    assert node is run.session.page.popups["page"]
    assert node.texts() == ["<h3>Popup Content</h3>", "html: <br/>", "Also work!"]
    # clear(s) from the button's callback empties the popup's scope
    buttons = _outputs(run)[2]
    run.click(buttons["callback_id"], 0)
    run.wait_command("output_ctl", where=lambda c: c["spec"].get("clear") == f"#pywebio-scope-{s}")
    assert node.children == []


def test_manual_popup_decorator_shows_a_popup_per_call(run_app) -> None:
    @popup("Popup title")  # applied outside any session: shows nothing yet
    def show_popup() -> str | None:
        put_html("<h3>Popup Content</h3>")
        put_text("I'm in a popup!")
        return get_scope()

    def app() -> list[str | None]:
        return [show_popup(), show_popup()]

    run = run_app(app)
    first, second = run.join()
    assert [c["spec"]["dom_id"] for c in run.commands("popup")] == [
        f"pywebio-scope-{first}",
        f"pywebio-scope-{second}",
    ]
    assert first != second
    assert run.session.page.popups["page"].texts() == ["<h3>Popup Content</h3>", "I'm in a popup!"]
    assert run.session.page.scope(first) is None  # the first popup was replaced


def test_popup_options_and_validation(run_app) -> None:
    def app() -> None:
        popup("t", put_text("x"), size="large", implicit_close=False, closable=False)
        with pytest.raises(ValueError, match="size"):
            popup("t", size="huge")
        with pytest.raises(TypeError, match="popup"):
            popup("t", [42])

    run = run_app(app)
    run.join()
    (command,) = run.commands("popup")
    spec = command["spec"]
    assert (spec["size"], spec["implicit_close"], spec["closable"]) == ("large", False, False)


def test_close_popup_goes_to_the_root_that_shows_it(run_app) -> None:
    def app() -> None:
        popup("t", "x")
        close_popup()

    run = run_app(app)
    run.join()
    assert [c["command"] for c in run.commands()][-2:] == ["popup", "close_popup"]
    assert run.session.page.popups == {}


def test_popup_scopes_are_routed_and_registered(run_app) -> None:
    def app() -> None:
        popup("t", [put_scope("inner", put_text("a")), put_row([put_scope("cell")])])
        put_text("b", scope="inner")
        put_text("c", scope="cell")

    run = run_app(app)
    run.join()
    assert run.scope("inner").texts() == ["a", "b"]
    assert run.scope("cell").texts() == ["c"]
    assert run.session.page.root_of("cell") == "page"


def test_one_popup_per_session_across_roots() -> None:
    model = PageModel()
    model.apply(
        {"command": "popup", "task_id": None, "spec": {"title": "a", "dom_id": "pywebio-scope-p1"}},
        "cell-1",
    )
    assert model.popup_root == "cell-1" and model.scope("p1") is not None
    model.apply(
        {"command": "popup", "task_id": None, "spec": {"title": "b", "dom_id": "pywebio-scope-p2"}},
        "cell-1",
    )
    assert model.scope("p1") is None and model.scope("p2") is not None
    model.apply({"command": "close_popup", "task_id": None, "spec": None}, "cell-1")
    assert model.popups == {} and model.scope("p2") is None


# ---------------------------------------------------------------- page model


def test_removing_a_scope_nested_in_an_output(run_app) -> None:
    def app() -> None:
        put_table([["x", put_scope("cell", put_text("in"))]])
        remove("cell")
        put_text("lost", scope="cell")

    run = run_app(app)
    run.join()
    assert run.session.page.scope("cell") is None
    assert run.page.texts() == ["x"]


def test_clearing_forgets_scopes_nested_in_outputs(run_app) -> None:
    def app() -> None:
        with use_scope("outer"):
            put_row([put_scope("deep", put_text("a"))])
        clear("outer")

    run = run_app(app)
    run.join()
    assert run.session.page.scope("deep") is None


def test_snapshot_rebuilds_the_same_tree(run_app) -> None:
    def app() -> None:
        examples.put_scope_in_table()
        with put_collapse("c") as name:
            put_text("in collapse")
        put_text("later", scope=name)
        with use_scope("s"):
            put_row([put_text("r"), None, put_scope("nested", put_text("n"))])
        put_text("more", scope="nested")
        popup("p", [put_scope("pop", put_text("in popup"))])
        put_text("pop2", scope="pop")

    run = run_app(app)
    run.join()
    model = run.session.page
    rebuilt = PageModel()
    for command in model.snapshot("page"):
        rebuilt.apply(command, "page")
    assert examples.tree(rebuilt.root("page")) == examples.tree(model.root("page"))
    assert rebuilt.root("page").texts() == model.root("page").texts()
    for name in ("hobby", "nested", "s", "pop"):
        assert rebuilt.scope(name) is not None, name
        assert rebuilt.scope(name).texts() == model.scope(name).texts()  # type: ignore[union-attr]
    assert rebuilt.popups["page"].texts() == ["in popup", "pop2"]


def test_button_in_tabs_collapse_and_popup_call_their_callbacks(run_app) -> None:
    clicks: list[str] = []
    all_clicked = threading.Event()

    def hit(name: str) -> None:
        clicks.append(name)
        if len(clicks) == 3:
            all_clicked.set()

    def app() -> None:
        put_tabs([{"title": "t", "content": put_button("tab", onclick=lambda: hit("tab"))}])
        put_collapse("c", put_button("col", onclick=lambda: hit("col")), open=True)
        popup("p", put_button("pop", onclick=lambda: hit("pop")))

    run = run_app(app)
    run.join()
    tabs, collapse = _outputs(run)
    pop = run.commands("popup")[0]["spec"]
    for spec in (tabs["tabs"][0]["content"][0], collapse["contents"][0], pop["content"][0]):
        run.click(spec["callback_id"], 0)
    assert all_clicked.wait(5)
    assert sorted(clicks) == ["col", "pop", "tab"]


# ------------------------------------------- scope= and position= on every put_*

_names = iter(f"sc{i}" for i in range(1000))

#: The smallest call of each builder (the manual's parameters); a builder missing
#: here fails the test below, so a new put_* cannot skip scope/position.
SAMPLE_CALLS: dict[str, Callable[..., Any]] = {
    "put_text": lambda f, **kw: f("t", **kw),
    "put_markdown": lambda f, **kw: f("m", **kw),
    "put_html": lambda f, **kw: f("<b>h</b>", **kw),
    "put_code": lambda f, **kw: f("c", **kw),
    "put_info": lambda f, **kw: f("i", **kw),
    "put_success": lambda f, **kw: f("s", **kw),
    "put_warning": lambda f, **kw: f("w", **kw),
    "put_error": lambda f, **kw: f("e", **kw),
    "put_link": lambda f, **kw: f("l", "https://example.com", **kw),
    "put_processbar": lambda f, **kw: f("bar", **kw),
    "put_loading": lambda f, **kw: f(**kw),
    "put_table": lambda f, **kw: f([["a"]], **kw),
    "put_buttons": lambda f, **kw: f(["b"], lambda _: None, **kw),
    "put_button": lambda f, **kw: f("b", lambda: None, **kw),
    "put_image": lambda f, **kw: f("https://example.com/a.png", **kw),
    "put_file": lambda f, **kw: f("f.txt", b"x", **kw),
    "put_tabs": lambda f, **kw: f([{"title": "t", "content": "c"}], **kw),
    "put_collapse": lambda f, **kw: f("c", **kw),
    "put_scrollable": lambda f, **kw: f("s", **kw),
    "put_widget": lambda f, **kw: f("<b>{{x}}</b>", {"x": 1}, **kw),
    "put_row": lambda f, **kw: f([put_text("x")], **kw),
    "put_column": lambda f, **kw: f([put_text("x")], **kw),
    "put_grid": lambda f, **kw: f([[put_text("x")]], **kw),
    "put_scope": lambda f, **kw: f(next(_names), **kw),
}


def _builders() -> list[str]:
    import pywebio_nb.output as output

    return sorted(name for name in output.__all__ if name.startswith("put_"))


@pytest.mark.parametrize("name", _builders())
def test_every_put_function_takes_scope_and_position(run_app, name: str) -> None:
    import inspect

    import pywebio_nb.output as output

    builder = getattr(output, name)
    params = inspect.signature(builder).parameters
    assert params["scope"].default is None and params["position"].default == -1, name
    assert name in SAMPLE_CALLS, f"add a sample call of {name} to SAMPLE_CALLS"
    call = SAMPLE_CALLS[name]

    def app() -> None:
        with use_scope("target"):
            put_text("first")
            put_text("second")
        with use_scope("other"):
            call(builder, scope="target", position=1)  # by name
            call(builder, scope=-2, position=-1)  # by index into the scope stack: ROOT

    run = run_app(app)
    run.join()
    by_name, by_index = _outputs(run)[2:4]
    assert (by_name["scope"], by_name["position"]) == ("#pywebio-scope-target", 1)
    assert (by_index["scope"], by_index["position"]) == ("#pywebio-scope-ROOT", -1)
    target = run.scope("target").children
    assert len(target) == 3
    # inserted before the second text
    assert target[2] is not target[1] and (
        isinstance(target[1], ScopeNode) or target[1].get("content") != "second"
    )


def test_one_popup_per_session_across_notebook_cells(run_app) -> None:
    """A popup opened from another root (another notebook cell) closes the first one;
    close_popup() goes to the root that shows the popup, wherever it is called from."""
    from pywebio_nb.session._context import root_var

    def app() -> None:
        token = root_var.set("cell-1")
        popup("first", "a")
        root_var.reset(token)
        token = root_var.set("cell-2")
        popup("second", "b")
        root_var.reset(token)
        close_popup()  # from the page root

    run = run_app(app)
    run.join()
    sent = [
        (root, c["command"], (c["spec"] or {}).get("title"))
        for root, batch in run.transport.batches
        for c in batch
        if c["command"] in ("popup", "close_popup")
    ]
    assert sent == [
        ("cell-1", "popup", "first"),
        ("cell-1", "close_popup", None),
        ("cell-2", "popup", "second"),
        ("cell-2", "close_popup", None),
    ]
    assert run.session.page.popups == {}
