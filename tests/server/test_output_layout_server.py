"""The layout + interaction family under a real server: the manual's examples in
thread and coroutine sessions, driven by the protocol client; the tree the browser
would build is rebuilt from the received commands with the page model."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from _wsclient import Client, run

from pywebio_nb.output import (
    PopupSize,
    close_popup,
    popup,
    put_buttons,
    put_code,
    put_collapse,
    put_column,
    put_grid,
    put_markdown,
    put_row,
    put_scope,
    put_scrollable,
    put_table,
    put_tabs,
    put_text,
    span,
    toast,
    use_scope,
)
from pywebio_nb.session import hold
from pywebio_nb.session._page_model import PageModel, ScopeNode


def _tree(node: ScopeNode) -> list[Any]:
    out: list[Any] = []
    for child in node.children:
        if isinstance(child, ScopeNode):
            out.append({"scope": child.name, "children": _tree(child)})
        else:
            out.append(" ".join(ScopeNode("_", "page", children=[child]).texts()))
    return out


def _model(received: list[dict[str, Any]]) -> PageModel:
    """The page a browser shows after these commands (the model mirrors the renderer)."""
    model = PageModel()
    for command in received:
        model.apply(command, "page")  # type: ignore[arg-type]
    return model


# ------------------------------------------------------------ the manual's examples
def position_example() -> None:
    with use_scope("scope1"):
        put_text("A")
        put_text("B", position=0)  # insert B before A -> B A
        put_text("C", position=-2)  # insert C after B -> B C A
        put_text("D", position=1)  # insert D before C B -> B D C A


def use_scope_clear_example() -> None:
    with use_scope("scope2"):
        put_text("create scope2")
    put_text("text in parent scope of scope2")
    with use_scope("scope2", clear=True):
        put_text("text in scope2")


def put_scope_example() -> None:
    put_table([["Name", "Hobbies"], ["Tom", put_scope("hobby", content=put_text("Coding"))]])
    with use_scope("hobby", clear=True):
        put_text("Movie")
    with use_scope("hobby"):
        put_text("Music")
        put_text("Drama")
    put_markdown("**Coding**", scope="hobby", position=0)


def layout_example() -> None:
    put_row(
        [
            put_column(
                [
                    put_code("A"),
                    put_row([put_code("B1"), None, put_code("B2"), None, put_code("B3")]),
                    put_code("C"),
                ]
            ),
            None,
            put_code("D"),
            None,
            put_code("E"),
        ]
    )
    put_grid(
        [
            [put_text("A"), put_text("B"), put_text("C")],
            [None, span(put_text("D"), col=2, row=1)],
            [put_text("E"), put_text("F"), put_text("G")],
        ],
        cell_width="100px",
        cell_height="100px",
    )


def tabs_collapse_scrollable_example() -> None:
    put_tabs([{"title": "Text", "content": "Hello world"}])
    with put_collapse("This is title"):
        for i in range(2):
            put_text(i)
    put_scrollable(put_scope("scrollable"), height=200, keep_bottom=True)
    put_text("tick", scope="scrollable")


async def async_scope_and_popup() -> None:
    @use_scope("time", clear=True)
    async def show(value: str) -> None:
        await asyncio.sleep(0)
        put_text(value)

    await show("t1")
    await show("t2")
    with popup("Popup title") as s:
        put_text("in popup")
    put_text("Also work!", scope=s)


EXAMPLES: list[tuple[str, Callable[[], Any], Callable[[PageModel], None]]] = [
    (
        "position",
        position_example,
        lambda m: _check(_tree(m.root("page")), [{"scope": "scope1", "children": list("BDCA")}]),
    ),
    (
        "use_scope clear",
        use_scope_clear_example,
        lambda m: _check(
            _tree(m.root("page")),
            [{"scope": "scope2", "children": ["text in scope2"]}, "text in parent scope of scope2"],
        ),
    ),
    (
        "put_scope in a table",
        put_scope_example,
        lambda m: _check(m.scope("hobby").texts(), ["**Coding**", "Movie", "Music", "Drama"]),  # type: ignore[union-attr]
    ),
    (
        "row column grid",
        layout_example,
        lambda m: _check(m.root("page").texts(), [*"A B1 B2 B3 C D E".split(), *"ABCDEFG"]),
    ),
    (
        "tabs collapse scrollable",
        tabs_collapse_scrollable_example,
        lambda m: _check(m.root("page").texts(), ["Hello world", "0", "1", "tick"]),
    ),
    (
        "coroutine session",
        async_scope_and_popup,
        lambda m: (
            _check(_tree(m.root("page")), [{"scope": "time", "children": ["t2"]}]),
            _check(m.popups["page"].texts(), ["in popup", "Also work!"]),
        ),
    ),
]


def _check(actual: Any, expected: Any) -> None:
    assert actual == expected


@pytest.mark.parametrize(
    ("app", "check"), [(a, c) for _, a, c in EXAMPLES], ids=[n for n, _, _ in EXAMPLES]
)
def test_manual_examples_over_the_wire(
    serve: Any, app: Callable[[], Any], check: Callable[[PageModel], None]
) -> None:
    server = serve(app)

    async def body() -> None:
        client = await Client.connect(server)
        await client.until("close_session")
        check(_model(client.received))

    run(body())


def test_popup_button_closes_it_and_toast_click_calls_back(serve: Any) -> None:
    def app() -> None:
        def shown() -> None:
            put_text("You clicked the notification.")

        popup("popup title", "popup text content", size=PopupSize.SMALL)
        popup(
            "Popup title",
            [put_buttons(["close_popup()"], onclick=lambda _: close_popup())],
        )
        toast("New messages", position="right", color="#2188ff", duration=0, onclick=shown)
        hold()

    server = serve(app)

    async def body() -> None:
        client = await Client.connect(server)
        first = await client.until("popup")
        assert first["spec"]["size"] == "small"
        second = await client.until("popup")
        toast_cmd = await client.until("toast")
        assert toast_cmd["spec"]["duration"] == 0
        assert toast_cmd["spec"]["color"] == "#2188ff"
        button = second["spec"]["content"][0]
        await client.send("callback", button["callback_id"], 0)
        await client.until("close_popup")
        await client.send("callback", toast_cmd["spec"]["callback_id"], None)
        text = await client.until("output")
        assert text["spec"]["content"] == "You clicked the notification."

    run(body())
