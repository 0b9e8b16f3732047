"""Every input example of the manual under a real server (thread and coroutine apps),
answered by the protocol client over a loopback WebSocket; and a client that does not
follow the form gets an error in it while the session goes on."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from _wsclient import Client, run, text_of

from pywebio_nb.input import input as input_
from pywebio_nb.input import input_group, select
from pywebio_nb.output import put_text
from tests._input_examples import EXAMPLES, Example, async_app, drive, sync_app


async def _drive(client: Client, example: Example) -> None:
    async def send(event: str, task_id: str | None, data: Any) -> None:
        await client.send(event, task_id, data)

    async def wait(name: str) -> dict[str, Any]:
        return await client.until(name)

    await drive(example, send, wait)


@pytest.mark.parametrize("kind", ["thread", "coroutine"])
@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_manual_example(serve: Callable[..., Any], example: Example, kind: str) -> None:
    make = sync_app if kind == "thread" else async_app
    server = serve(make(example, put_text))

    async def body() -> None:
        client = await Client.connect(server)
        await _drive(client, example)
        shown = await client.until("output", lambda c: text_of(c) is not None)
        assert text_of(shown) == repr(example.result)

    run(body())


@pytest.mark.parametrize("kind", ["thread", "coroutine"])
def test_a_value_not_among_the_options_is_an_error_and_the_session_goes_on(
    serve: Callable[..., Any], kind: str
) -> None:
    def app() -> None:
        put_text(repr(input_group("g", [select("s", ["a", "b"], name="s")])))

    async def async_app_() -> None:
        put_text(repr(await input_group("g", [select("s", ["a", "b"], name="s")])))

    server = serve(app if kind == "thread" else async_app_)

    async def body() -> None:
        client = await Client.connect(server)
        form = await client.until("input_group")
        for bad in (5, "a", [0], {"x": 1}):
            await client.send("from_submit", form["task_id"], {"s": bad})
            update = await client.until("update_input")
            assert update["spec"]["attributes"]["invalid_feedback_key"] == "option"
        await client.send("from_submit", form["task_id"], {"s": 1})
        shown = await client.until("output", lambda c: text_of(c) is not None)
        assert text_of(shown) == repr({"s": "b"})

    run(body())


def test_an_async_action_callback_in_a_coroutine_app(serve: Callable[..., Any]) -> None:
    """The manual: with coroutine sessions the action callback may be a coroutine function."""

    async def pick(set_value: Callable[..., None]) -> None:
        await asyncio.sleep(0)  # really a coroutine: it yields to the loop once
        set_value({"real": 1}, "the label")

    async def app() -> None:
        put_text(repr(await input_("Value", action=("Pick", pick))))

    server = serve(app)

    async def body() -> None:
        client = await Client.connect(server)
        form = await client.until("input_group")
        await client.send("callback", form["spec"]["inputs"][0]["action"]["callback_id"], None)
        update = await client.until("update_input")
        assert update["spec"]["attributes"] == {"value": "the label", "readonly": True}
        await client.submit(form, "the label")
        shown = await client.until("output", lambda c: text_of(c) is not None)
        assert text_of(shown) == repr({"real": 1})

    run(body())
