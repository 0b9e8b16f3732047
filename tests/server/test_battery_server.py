"""pywebio_nb.battery under a real server, end to end: each function as a tiny app
(thread-based, and the dialogs as coroutines too), the browser played by the protocol
client; a logbox fed 10,000 lines in a loop arrives whole, in few WebSocket messages."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from _wsclient import Client, run, text_of

from pywebio_nb.battery import (
    confirm,
    get_all_query,
    get_cookie,
    get_localstorage,
    get_query,
    logbox_append,
    login,
    popup_input,
    put_logbox,
    redirect_stdout,
    run_shell,
    set_cookie,
    set_localstorage,
)
from pywebio_nb.output import put_text
from pywebio_nb.pin import put_input
from pywebio_nb.platform.tornado import ServerHandle, _start_server_in_thread

LINES = 10_000


def confirm_app() -> None:
    put_text(f"choice: {confirm('Delete?', 'Are you sure?')}")


async def confirm_coro() -> None:
    put_text(f"choice: {await confirm('Delete?', 'Are you sure?')}")


def popup_input_app() -> None:
    form = popup_input([put_input("user", label="User")], "Login", cancelable=True)
    put_text(f"form: {form}")


def stdout_app() -> None:
    with redirect_stdout():
        print("hello from print", end="")


def shell_app() -> None:
    code = "print('one'); print('two')"
    put_text(f"exit: {run_shell([sys.executable, '-c', code])}")


def logbox_app() -> None:
    put_logbox("log", height=300)
    started = time.perf_counter()
    for i in range(LINES):
        logbox_append("log", f"line {i}\n")
    put_text(f"appended in {time.perf_counter() - started:.3f} s")


def query_app() -> None:
    put_text(f"query: {get_query('x')} {get_all_query()}")


def storage_app() -> None:
    set_localstorage("k", "v")
    set_cookie("c", "w; x")
    put_text(f"stored: {get_localstorage('k')} {get_cookie('c')}")


def login_app() -> None:
    put_text("user: " + login(lambda user, pw: pw == "123", "secret-for-tests"))


APPS = {
    name: func
    for name, func in globals().items()
    if name.endswith(("_app", "_coro")) and callable(func)
}


@pytest.fixture(scope="module")
def server() -> Iterator[ServerHandle]:
    handle = _start_server_in_thread(APPS, host="127.0.0.1")
    yield handle
    handle.stop()


async def connect(server: ServerHandle, app: str) -> Client:
    return await Client.connect(server, query=f"app={app}")


async def text(client: Client, prefix: str) -> str:
    found = await client.until("output", lambda c: (text_of(c) or "").startswith(prefix))
    return str(text_of(found))


def actions_of(popup: dict[str, Any]) -> str:
    return str(popup["spec"]["content"][-1]["input"]["name"])


async def answer_eval(client: Client, value: Any) -> dict[str, Any]:
    ask = await client.until("run_script", lambda c: bool(c["spec"].get("eval")))
    await client.send("js_yield", ask["task_id"], value)
    return ask


@pytest.mark.parametrize(("app", "button", "expected"), [
    ("confirm_app", 0, "choice: True"),
    ("confirm_app", 1, "choice: False"),
    ("confirm_coro", 0, "choice: True"),
])  # fmt: skip
def test_confirm(server: ServerHandle, app: str, button: int, expected: str) -> None:
    async def body() -> None:
        client = await connect(server, app)
        popup = await client.until("popup")
        assert popup["spec"]["title"] == "Delete?"
        await client.send("pin_change", None, {"name": actions_of(popup), "value": button})
        assert await text(client, "choice") == expected
        assert [c for c in client.received if c["command"] == "close_popup"]

    run(body())


@pytest.mark.parametrize(("button", "expected"), [(0, "form: {'user': 'ada'}"), (1, "form: None")])
def test_popup_input(server: ServerHandle, button: int, expected: str) -> None:
    async def body() -> None:
        client = await connect(server, "popup_input_app")
        popup = await client.until("popup")
        await client.send("pin_change", None, {"name": "user", "value": "ada"})
        await client.send("pin_change", None, {"name": actions_of(popup), "value": button})
        assert await text(client, "form") == expected

    run(body())


def test_redirect_stdout(server: ServerHandle) -> None:
    async def body() -> None:
        client = await connect(server, "stdout_app")
        assert await text(client, "hello") == "hello from print"

    run(body())


def test_run_shell(server: ServerHandle) -> None:
    async def body() -> None:
        client = await connect(server, "shell_app")
        assert await text(client, "exit") == "exit: 0"
        shown = [text_of(c) or "" for c in client.received if c["command"] == "output"]
        assert "".join(shown[:-1]) == "one\ntwo\n"

    run(body())


def test_ten_thousand_logbox_appends_arrive_whole_in_few_messages(server: ServerHandle) -> None:
    async def body() -> None:
        client = await connect(server, "logbox_app")
        box = await client.until("output", lambda c: c["spec"]["type"] == "scope")
        assert 'data-logbox="log"' in box["spec"]["contents"][0]["content"]
        frames_before = client.frames
        timing = await text(client, "appended in")
        frames = client.frames - frames_before
        appends = [c for c in client.received if c["command"] == "logbox"]
        assert "".join(c["spec"]["text"] for c in appends) == "".join(
            f"line {i}\n" for i in range(LINES)
        )
        # batched on the wire, never a message per append (the session flushes every
        # few ms during a long loop: ~20 messages here, more on a slower machine)
        assert frames < LINES / 5, (frames, timing)
        print(f"{LINES} appends: {frames} WebSocket messages; {timing}")

    run(body())


def test_query(server: ServerHandle) -> None:
    async def body() -> None:
        client = await connect(server, "query_app")
        ask = await answer_eval(client, "1")
        assert ask["spec"]["args"] == {"name": "x"}
        await answer_eval(client, {"x": "1"})
        assert await text(client, "query") == "query: 1 {'x': '1'}"

    run(body())


def test_localstorage_and_cookie(server: ServerHandle) -> None:
    async def body() -> None:
        client = await connect(server, "storage_app")
        ask = await answer_eval(client, "v")
        assert ask["spec"]["args"] == {"key": "k"}
        ask = await answer_eval(client, "w; x")
        assert ask["spec"]["args"] == {"key": "c"}
        sets = [c["spec"]["args"] for c in client.received if c["command"] == "run_script"]
        assert sets[:2] == [{"key": "k", "value": "v"}, {"key": "c", "value": "w; x", "days": 7}]
        assert await text(client, "stored") == "stored: v w; x"

    run(body())


def test_login_then_remembered(server: ServerHandle) -> None:
    async def body() -> None:
        client = await connect(server, "login_app")
        await answer_eval(client, None)
        form = await client.until("input_group")
        await client.send("from_submit", form["task_id"], {"username": "ada", "password": "123"})
        assert await text(client, "user") == "user: ada"
        token = next(
            c["spec"]["args"]["value"]
            for c in client.received
            if c["command"] == "run_script" and "setItem" in c["spec"]["code"]
        )
        again = await connect(server, "login_app")
        await answer_eval(again, token)
        assert await text(again, "user") == "user: ada"
        assert not [c for c in again.received if c["command"] == "input_group"]

    run(body())
