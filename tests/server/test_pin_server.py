"""pywebio_nb.pin under a real server: the manual's pin examples as thread and
coroutine apps, the browser played by the protocol client (``pin_change`` events,
as the renderer sends on every change)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from _wsclient import Client, run, text_of

from pywebio_nb.output import put_buttons, put_code, put_markdown, put_row, put_text, use_scope
from pywebio_nb.pin import (
    pin,
    pin_on_change,
    pin_wait_change,
    put_actions,
    put_input,
    put_select,
    put_textarea,
)
from tests import _output_examples as examples


async def pin_shown(client: Client, name: str) -> dict[str, Any]:
    """Skip commands until an output with pin widget ``name`` arrives; its spec."""
    return await client.until("output", lambda c: f"'name': '{name}'" in repr(c["spec"]))


async def change(client: Client, name: str, value: Any) -> None:
    await client.send("pin_change", None, {"name": name, "value": value})


async def text(client: Client, content: str) -> None:
    await client.until("output", lambda c: text_of(c) == content)


# ------------------------------------------------------------------ the examples
def widgets_thread() -> None:
    put_input("input", label="This is a input widget")
    put_row([put_input("row_input"), put_select("select", options=["A", "B", "C"])])
    with use_scope("search-area"):
        put_input("search", placeholder="Search")
    put_text(f"values: {pin.input!r} {pin.select!r} {pin.search!r}")


async def widgets_coro() -> None:
    put_input("input", label="This is a input widget")
    put_row([put_input("row_input"), put_select("select", options=["A", "B", "C"])])
    with use_scope("search-area"):
        put_input("search", placeholder="Search")
    put_text(f"values: {await pin.input!r} {await pin.select!r} {await pin.search!r}")


async def widgets_client(client: Client) -> None:
    for name in ("input", "select", "search"):  # row_input is in the row with select
        await pin_shown(client, name)
    await text(client, "values: '' 'A' ''")


def button_thread() -> None:
    put_input("pin_name")
    put_buttons(["Get Pin Value"], lambda _: put_text(pin.pin_name))


async def button_coro() -> None:
    async def show(_: Any) -> None:
        put_text(await pin.pin_name)

    put_input("pin_name")
    put_buttons(["Get Pin Value"], show)


async def button_client(client: Client) -> None:
    await pin_shown(client, "pin_name")
    buttons = await client.until("output", lambda c: c["spec"]["type"] == "buttons")
    await change(client, "pin_name", "typed value")
    await client.send("callback", buttons["spec"]["callback_id"], 0)
    await text(client, "typed value")


def counter_thread() -> None:
    put_input("counter", type="number", value=0)
    for _ in range(3):
        pin.counter = pin.counter + 1  # Equivalent to: pin['counter'] = pin['counter'] + 1
    put_text(f"counter={pin['counter']}")


async def counter_coro() -> None:
    put_input("counter", type="number", value=0)
    for _ in range(3):
        pin.counter = await pin.counter + 1
    put_text(f"counter={await pin['counter']}")


async def counter_client(client: Client) -> None:
    updates = [await client.until("pin_update") for _ in range(3)]
    assert [u["spec"]["attributes"]["value"] for u in updates] == ["1", "2", "3"]
    await text(client, "counter=3")


async def wait_coro() -> None:
    put_input("a", type="number", value=0)
    put_input("b", type="number", value=0)
    for _ in range(2):
        changed = await pin_wait_change("a", "b")
        with use_scope("res", clear=True):
            put_code(changed)
            put_text("a + b = %s" % (await pin.a + await pin.b))


async def wait_client(client: Client) -> None:
    await pin_shown(client, "b")
    await change(client, "a", "2")
    await text(client, "a + b = 2")
    await change(client, "b", "40")
    await text(client, "a + b = 42")


def previewer_thread() -> None:
    put_textarea("md_text", rows=18, code={"mode": "markdown"})
    put_actions("control", buttons=[("Stop", "stop")])
    while True:
        change_detail = pin_wait_change("md_text", "control")
        if change_detail["name"] == "control":
            break
        with use_scope("md", clear=True):
            put_markdown(change_detail["value"])
    put_text(f"stopped by {pin.control!r}")


async def previewer_coro() -> None:
    put_textarea("md_text", rows=18, code={"mode": "markdown"})
    put_actions("control", buttons=[("Stop", "stop")])
    while True:
        change_detail = await pin_wait_change("md_text", "control")
        if change_detail["name"] == "control":
            break
        with use_scope("md", clear=True):
            put_markdown(change_detail["value"])
    put_text(f"stopped by {await pin.control!r}")


async def previewer_client(client: Client) -> None:
    await pin_shown(client, "control")
    for typed in ("#", "# T", "# Title"):
        await change(client, "md_text", typed)
    # every keystroke may not get its own preview, but the last one always does
    await text(client, "# Title")
    await change(client, "control", 0)
    await text(client, "stopped by 'stop'")


def on_change_thread() -> None:
    put_select("s", options=[("one", 1), ("two", 2)])
    pin_on_change("s", lambda v: put_text(f"first {v!r}"), init_run=True)
    pin_on_change("s", lambda v: put_text(f"second {v!r}"), serial_mode=True)
    put_text("bound")
    pin_wait_change("s")


async def on_change_coro() -> None:
    async def second(v: Any) -> None:
        put_text(f"second {v!r}")

    put_select("s", options=[("one", 1), ("two", 2)])
    pin_on_change("s", lambda v: put_text(f"first {v!r}"), init_run=True)
    pin_on_change("s", second, mutex_mode=True)
    put_text("bound")
    await pin_wait_change("s")


async def texts(client: Client, wanted: set[str]) -> None:
    """Skip commands until every text of ``wanted`` arrived, in any order."""
    seen: set[str] = set()
    while seen != wanted:
        seen.add(text_of(await client.until("output", lambda c: text_of(c) in wanted)) or "")


async def on_change_client(client: Client) -> None:
    # init_run (in a coroutine session it runs as a task, after "bound")
    await texts(client, {"first 1", "bound"})
    await change(client, "s", 1)
    # both callbacks run (a pool and the serial thread, or tasks: in either order)
    await texts(client, {"first 2", "second 2"})


EXAMPLES: list[
    tuple[str, Callable[[], Any], Callable[[], Any], Callable[[Client], Awaitable[None]]]
] = [
    ("widgets", widgets_thread, widgets_coro, widgets_client),
    ("get pin value button", button_thread, button_coro, button_client),
    ("counter", counter_thread, counter_coro, counter_client),
    ("pin_wait_change a + b", examples.pin_wait_change_sum, wait_coro, wait_client),
    ("markdown previewer", previewer_thread, previewer_coro, previewer_client),
    ("pin_on_change", on_change_thread, on_change_coro, on_change_client),
]


@pytest.mark.parametrize("kind", ["thread", "coroutine"])
@pytest.mark.parametrize(
    ("name", "thread_app", "coro_app", "client_script"), EXAMPLES, ids=[e[0] for e in EXAMPLES]
)
def test_manual_pin_examples_over_the_wire(
    serve: Any,
    kind: str,
    name: str,
    thread_app: Callable[[], Any],
    coro_app: Callable[[], Any],
    client_script: Callable[[Client], Awaitable[None]],
) -> None:
    server = serve(thread_app if kind == "thread" else coro_app)

    async def body() -> None:
        client = await Client.connect(server)
        await client_script(client)
        # reading known values never asked the browser
        assert not [c for c in client.received if c["command"] == "pin_value"]

    run(body())
