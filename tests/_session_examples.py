"""The manual's ``pywebio.session`` examples (chapter 4.4, and the user guide's
coroutine concurrency example) as data: the app's code, and what a browser does and
sees.

One table for every runtime: a real server with thread and coroutine apps
(tests/server) and a kernel (tests/notebooks) run the same examples. ``source`` is
the body of the app (statements); ``AWAIT`` in it becomes ``await `` in a coroutine
app and nothing elsewhere. ``browser`` drives and checks it through a
:class:`Browser`, which only needs to wait for a command, send an event and read a
blob's bytes. ``runs`` names where an example applies (``info`` differs in a kernel,
``run_async`` is for coroutine apps only, ``defer_call`` at close is tested by each
runtime on its own close path).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

#: What every example's code has in scope (run first in the app's namespace).
PRELUDE = """
import asyncio
import json
from functools import partial
from pywebio_nb.output import *
from pywebio_nb.session import *
"""


class Browser(Protocol):
    #: Whether this browser shows a notebook (a kernel runs the example), not a server page.
    notebook: bool

    async def wait(
        self, name: str, where: Callable[[dict[str, Any]], bool] | None = None
    ) -> dict[str, Any]:
        """The next command called ``name`` (matching ``where``), after earlier ones."""

    async def send(self, event: str, task_id: str | None, data: Any) -> None: ...

    def blob(self, blob_id: str) -> bytes:
        """The bytes received for ``blob_id`` (before the command naming it)."""


@dataclass
class Example:
    id: str
    source: str
    browser: Callable[[Browser], Awaitable[None]]
    runs: tuple[str, ...] = ("thread", "coroutine", "kernel")


def text(value: str) -> Callable[[dict[str, Any]], bool]:
    return lambda c: c["spec"].get("type") == "text" and c["spec"].get("content") == value


async def texts(browser: Browser, *values: str) -> None:
    for value in values:
        await browser.wait("output", text(value))


# ----------------------------------------------------------------- the drives


async def _download(browser: Browser) -> None:
    buttons = await browser.wait("output", lambda c: c["spec"].get("type") == "buttons")
    assert buttons["spec"]["buttons"][0]["label"] == "Click to download"
    await browser.send("callback", buttons["spec"]["callback_id"], 0)
    command = await browser.wait("download")
    ref = command["spec"]["content"]
    assert command["spec"]["name"] == "hello-world.txt"
    assert ref["size"] == 12 and ref["mime"] == "text/plain"
    assert browser.blob(ref["blob"]) == b"hello world!"


async def _run_js(browser: Browser) -> None:
    command = await browser.wait("run_script")
    assert command["spec"] == {"code": "console.log(a + b)", "args": {"a": 1, "b": 2}}


def _eval(code_part: str, answer: Any, shown: str) -> Callable[[Browser], Awaitable[None]]:
    async def drive(browser: Browser) -> None:
        command = await browser.wait("run_script")
        assert command["spec"]["eval"] is True
        assert code_part in command["spec"]["code"]
        await browser.send("js_yield", command["task_id"], answer)
        await texts(browser, shown)

    return drive


async def _counter(browser: Browser) -> None:
    buttons = await browser.wait("output", lambda c: c["spec"].get("type") == "buttons")
    assert [b["label"] for b in buttons["spec"]["buttons"]] == ["Add counter", "Show counter"]
    callback = buttons["spec"]["callback_id"]
    await _show_until(browser, callback, "0")
    for expected in ("1", "2"):
        await browser.send("callback", callback, 0)  # Add counter
        await _show_until(browser, callback, expected)


async def _show_until(browser: Browser, callback: str, expected: str) -> None:
    """Click "Show counter" until it shows ``expected``.

    Clicks of a thread app run concurrently on a pool (as in PyWebIO), so a Show
    sent right after an Add may run first; the Add produces no output to wait for.
    Each Show answers with one text, so this waits on outputs, never on time.
    """
    shown: list[str] = []
    for _ in range(100):
        await browser.send("callback", callback, 1)
        out = await browser.wait("output", lambda c: c["spec"].get("type") == "text")
        shown.append(out["spec"]["content"])
        if shown[-1] == expected:
            return
        assert shown[-1] == str(int(expected) - 1), shown  # the Add has not run yet
    raise AssertionError(f"Show counter never showed {expected}: {shown}")


async def _local_operations(browser: Browser) -> None:
    await texts(browser, "name", "age", "10")
    await texts(browser, str({"name": "Wang", "age": 22, 10: "10"}))


async def _set_env(browser: Browser) -> None:
    command = await browser.wait("set_env")
    if browser.notebook:  # the title is page-wide: a notebook drops it (with a warning)
        assert command["spec"] == {"output_animation": False}
    else:
        assert command["spec"] == {"title": "Awesome PyWebIO!!!", "output_animation": False}


async def _info(browser: Browser) -> None:
    code = await browser.wait("output", lambda c: c["spec"].get("type") == "code")
    shown = json.loads(code["spec"]["content"])
    assert set(shown) == {
        "user_agent",
        "user_language",
        "server_host",
        "origin",
        "user_ip",
        "backend",
        "protocol",
        "request",
    }
    assert shown["backend"] == "tornado" and shown["protocol"] == "websocket"
    assert shown["user_ip"] == "127.0.0.1"
    assert shown["server_host"].startswith("127.0.0.1:")
    assert "HTTPServerRequest" in shown["request"]
    # The protocol client's User-Agent header, as user_agents parses it.
    assert shown["user_agent"] == "PC / Linux / Firefox 120.0", shown["user_agent"]


async def _hello_world(browser: Browser) -> None:
    await texts(browser, "hello", "world")


async def _counter_task(browser: Browser) -> None:
    await texts(browser, "Main coroutine function exited.")
    await texts(browser, *[str(i) for i in range(3)])


#: The User-Agent header the server examples' client sends (``info`` parses it).
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"

COUNTER_LOCAL = """
def add():
    local.cnt = (local.cnt or 0) + 1

def show():
    put_text(local.cnt or 0)

put_buttons(['Add counter', 'Show counter'], [add, show])
"""

COUNTER_PARTIAL = """
def add(cnt):
    cnt[0] += 1

def show(cnt):
    put_text(cnt[0])

cnt = [0]  # Trick: to pass by reference
put_buttons(['Add counter', 'Show counter'], [partial(add, cnt), partial(show, cnt)])
"""

COUNTER_CLOSURE = """
cnt = [0]

def add():
    cnt[0] += 1

def show():
    put_text(cnt[0])

put_buttons(['Add counter', 'Show counter'], [add, show])
"""

LOCAL_OPERATIONS = """
local.name = "Wang"
local.age = 22
assert local.foo is None
local[10] = "10"

for key in local:
    put_text(key)

assert 'bar' not in local
assert 'name' in local

put_text(local._dict)
"""

INFO = """
from pywebio_nb.session import info as session_info

put_code(json.dumps({
    k: str(getattr(session_info, k))
    for k in ['user_agent', 'user_language', 'server_host',
              'origin', 'user_ip', 'backend', 'protocol', 'request']
}, indent=4), 'json')
"""

FUNCTION_RES = """
function_res = AWAIT eval_js('''(function(){
    var a = 1;
    a += b;
    return a;
})()''', b=100)
put_text(function_res)
"""

PROMISE_RES = """
promise_res = AWAIT eval_js('''new Promise(resolve => {
    setTimeout(() => {
        resolve('Returned inside callback.');
    }, 2000);
});''')
put_text(promise_res)
"""

# The manual's example sleeps 1 s between the texts; a tenth of it keeps the test short.
ASYNCIO_SLEEP = """
put_text('hello')
await run_asyncio_coroutine(asyncio.sleep(0.1))
put_text('world')
"""

# The user guide's run_async example, with 3 numbers 10 ms apart instead of 10, 1 s apart.
COUNTER_TASK = """
async def counter(n):
    for i in range(n):
        put_text(i)
        await asyncio.sleep(0.01)

run_async(counter(3))
put_text('Main coroutine function exited.')
"""

EXAMPLES: list[Example] = [
    Example(
        "download",
        "put_button('Click to download', lambda: download('hello-world.txt', b'hello world!'))",
        _download,
    ),
    Example("run_js", "run_js('console.log(a + b)', a=1, b=2)", _run_js),
    Example(
        "eval_js-current_url",
        'current_url = AWAIT eval_js("window.location.href")\nput_text(current_url)',
        _eval(
            "window.location.href", "http://127.0.0.1:8080/?app=x", "http://127.0.0.1:8080/?app=x"
        ),
    ),
    Example("eval_js-function", FUNCTION_RES, _eval("a += b", 101, "101")),
    Example(
        "eval_js-promise",
        PROMISE_RES,
        _eval("new Promise", "Returned inside callback.", "Returned inside callback."),
    ),
    Example(
        "eval_js-rejected",
        "put_text(str(AWAIT eval_js('Promise.reject(1)')))",
        _eval("Promise.reject", None, "None"),
    ),
    Example("local-counter", COUNTER_LOCAL, _counter),
    Example("local-counter-partial", COUNTER_PARTIAL, _counter),
    Example("local-counter-closure", COUNTER_CLOSURE, _counter),
    Example("local-operations", LOCAL_OPERATIONS, _local_operations),
    Example("set_env", "set_env(title='Awesome PyWebIO!!!', output_animation=False)", _set_env),
    Example("info", INFO, _info, runs=("thread", "coroutine")),
    Example("run_asyncio_coroutine", ASYNCIO_SLEEP, _hello_world, runs=("coroutine",)),
    Example("run_async-counter", COUNTER_TASK, _counter_task, runs=("coroutine",)),
]


def app_source(example: Example, kind: str) -> str:
    """The example's code as a cell (``kernel``) or as the body of ``def app()``."""
    body = example.source.replace("AWAIT ", "await " if kind == "coroutine" else "")
    if kind == "kernel":
        return body
    indented = "\n".join("    " + line for line in body.strip("\n").splitlines())
    return f"{'async def' if kind == 'coroutine' else 'def'} app():\n{indented}\n"


def make_app(example: Example, kind: str) -> Callable[[], Any]:
    """The example as a thread (``def``) or coroutine (``async def``) app."""
    scope: dict[str, Any] = {}
    exec(PRELUDE, scope)
    exec(app_source(example, kind), scope)
    app: Callable[[], Any] = scope["app"]
    return app
