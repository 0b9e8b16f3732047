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
    put_collapse,
    put_scope,
    put_scrollable,
    put_tabs,
    put_text,
    toast,
    use_scope,
)
from pywebio_nb.session import hold
from pywebio_nb.session._page_model import PageModel
from tests import _output_examples as examples


def _model(received: list[dict[str, Any]]) -> PageModel:
    """The page a browser shows after these commands (the model mirrors the renderer)."""
    model = PageModel()
    for command in received:
        model.apply(command, "page")  # type: ignore[arg-type]
    return model


# ------------------------------------------------------------ the manual's examples
def layout_example() -> None:
    examples.row_column()
    examples.grid()


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
        examples.position,
        lambda m: _check(
            examples.tree(m.root("page")), [{"scope": "scope1", "children": list("BDCA")}]
        ),
    ),
    (
        "use_scope clear",
        examples.use_scope_clear,
        lambda m: _check(
            examples.tree(m.root("page")),
            [{"scope": "scope2", "children": ["text in scope2"]}, "text in parent scope of scope2"],
        ),
    ),
    (
        "put_scope in a table",
        examples.put_scope_in_table,
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
            _check(examples.tree(m.root("page")), [{"scope": "time", "children": ["t2"]}]),
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
