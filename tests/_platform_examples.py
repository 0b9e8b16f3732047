"""The manual's deployment examples as data: the user guide's "Run application",
"Concurrent" and "Close of session" (4.1.3), the ``pywebio.platform`` chapter (4.5),
and the advanced topics on multiple applications (4.7.1), Tornado integration (4.7.2)
and coroutine-based sessions (4.7.3).

Each :class:`Example` holds the manual's code (imports renamed to ``pywebio_nb``,
sleeps shortened, a ``start_server(...)`` line replaced by :attr:`Example.serves`),
how it is served, and a ``drive`` that plays the browser through a :class:`World`
and asserts what the manual says happens. Code that only runs on the server side
(threads, ``defer_call``, exceptions) reports to ``record`` (a :class:`Recorder` in
the example's namespace), which the drive awaits: nothing here waits on time.

Left out, with the reason: the "not allowed" example of 4.1.3 (an input call at
module level) is script mode, tested with script mode; the "not supported" asyncio
calls of 4.7.3 state no behaviour to assert; the Flask, Django, aiohttp and
FastAPI/Starlette examples belong to the framework-adapter issue (the Flask
example's coroutine app itself is run here on Tornado).
"""

from __future__ import annotations

import asyncio
import datetime
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

#: What an example's code has in scope when ``prelude`` is set (run first).
PRELUDE = """
import asyncio
import datetime
import threading
import time
from pywebio_nb import config, start_server
from pywebio_nb.input import *
from pywebio_nb.output import *
from pywebio_nb.session import *
"""

TIMEOUT = 10.0


class Recorder:
    """A thread-safe list the example's server-side code appends to; tests await it."""

    def __init__(self) -> None:
        self._items: list[Any] = []
        self._changed = threading.Condition()

    def __call__(self, item: Any) -> None:
        with self._changed:
            self._items.append(item)
            self._changed.notify_all()

    @property
    def items(self) -> list[Any]:
        with self._changed:
            return list(self._items)

    async def until(self, predicate: Callable[[list[Any]], bool]) -> list[Any]:
        """The items once ``predicate(items)`` holds (AssertionError after TIMEOUT)."""

        def wait() -> list[Any]:
            with self._changed:
                if not self._changed.wait_for(lambda: predicate(self._items), TIMEOUT):
                    raise AssertionError(f"never recorded as expected: {self._items!r}")
                return list(self._items)

        return await asyncio.to_thread(wait)


class Browser(Protocol):
    """One page of the app, speaking the protocol (WebSocket or HTTP polling)."""

    async def wait(
        self, name: str, where: Callable[[dict[str, Any]], bool] | None = None
    ) -> dict[str, Any]:
        """The next command called ``name`` (matching ``where``) not returned before."""

    #: Every command this page received so far, in order.
    received: list[dict[str, Any]]

    async def send(self, event: str, task_id: str | None, data: Any) -> None: ...

    async def close(self) -> None:
        """Close the page (the tab goes away)."""


class World(Protocol):
    """The served example as a test sees it."""

    record: Recorder
    #: "websocket" or "http": the protocol of the pages ``open`` makes.
    transport: str

    async def open(self, query: str = "", path: str = "/") -> Browser:
        """A new page (a new session) at ``path?query``."""

    async def get(self, target: str) -> tuple[int, str]:
        """A plain HTTP GET of ``target`` (path and query): status and body text."""

    def write(self, path: str, text: str) -> None:
        """Write a file of the deployed directory (``server="path_deploy"``)."""


@dataclass
class Example:
    id: str
    #: The manual's code (module level); it defines what ``serves`` names.
    source: str
    drive: Callable[[World], Awaitable[None]]
    #: An expression over the source's names: what ``start_server`` gets, or the
    #: ``tornado.web.Application`` when ``server`` is ``"application"``.
    serves: str = "main"
    #: ``"start_server"`` (over the transports ``transports`` names), ``"application"``,
    #: or ``"path_deploy"`` (of a directory holding ``files``; ``serves`` unused).
    server: str = "start_server"
    files: dict[str, str] | None = None
    #: Closing a page (the close examples) is a WebSocket event; an HTTP session
    #: ends by expiry instead, tested with tornado_http.
    transports: tuple[str, ...] = ("websocket", "http")
    prelude: bool = True
    #: A known bug of pywebio_nb that makes this example fail: the strict xfail reason.
    bug: str | None = None


def make_namespace(example: Example, record: Recorder) -> dict[str, Any]:
    """Run the example's code in a fresh namespace (``record`` in scope)."""
    scope: dict[str, Any] = {"record": record, "__name__": f"example_{example.id}"}
    if example.prelude:
        exec(PRELUDE, scope)
    exec(example.source, scope)
    return scope


# ----------------------------------------------------------------- helpers


def is_text(value: str) -> Callable[[dict[str, Any]], bool]:
    return lambda c: c["spec"].get("type") == "text" and c["spec"].get("content") == value


def of_type(kind: str) -> Callable[[dict[str, Any]], bool]:
    return lambda c: c["spec"].get("type") == kind


async def texts(browser: Browser, *values: str) -> None:
    """Each text shows, in this order (other outputs may come between)."""
    for value in values:
        await browser.wait("output", is_text(value))


async def answer(browser: Browser, label: str, value: Any) -> None:
    """Wait for the input form labelled ``label`` and submit ``value``."""
    form = await browser.wait("input_group", lambda c: c["spec"]["inputs"][0].get("label") == label)
    name = form["spec"]["inputs"][0]["name"]
    await browser.send("from_submit", form["task_id"], {name: value})


def raised(kind: str, *names: str) -> Callable[[list[Any]], bool]:
    """Whether an exception ``names`` escaped from a thread whose role is ``kind``."""
    return lambda items: any(
        isinstance(i, tuple) and i[:2] == ("uncaught", kind) and i[2] in names for i in items
    )


# ------------------------------------------------ 4.1.3 Run application: server mode

RUN_APPLICATION = """
from pywebio_nb import *

def main(): # PyWebIO application function
    name = input.input("what's your name")
    output.put_text("hello", name)
"""

# The same application with the submodules imported by name (what works today).
RUN_APPLICATION_IMPORTS = """
from pywebio_nb import input, output

def main(): # PyWebIO application function
    name = input.input("what's your name")
    output.put_text("hello", name)
"""


async def _hello(world: World) -> None:
    browser = await world.open()
    await answer(browser, "what's your name", "Ada")
    await texts(browser, "hello Ada")
    await browser.wait("close_session")  # the app returned: the session ends


# ------------------------------------------------------------- 4.1.3 Concurrent

# The manual's clock ticks every second; a hundredth of it keeps the test short.
# Each thread's role goes to the excepthook's record through its name.
CLOCK = """
def show_time():
    while True:
        with use_scope(name='time', clear=True):
            put_text(datetime.datetime.now())
            time.sleep(0.01)

def app():
    t = threading.Thread(target=show_time, name='registered')
    register_thread(t)
    put_markdown('## Clock')
    t.start() # run `show_time()` in background

    # this thread will cause `SessionNotFoundException`
    threading.Thread(target=show_time, name='unregistered').start()

    put_text('Background task started.')
"""


async def _clock(world: World) -> None:
    browser = await world.open()
    heading = await browser.wait("output", of_type("markdown"))
    assert heading["spec"]["content"] == "## Clock"
    await texts(browser, "Background task started.")
    times: list[datetime.datetime] = []
    while len(times) < 3:  # the registered thread keeps writing the time into scope 'time'
        tick = await browser.wait("output", of_type("text"))
        assert "time" in str(tick["spec"].get("scope")), tick
        times.append(datetime.datetime.fromisoformat(tick["spec"]["content"]))
    assert times == sorted(times) and len(set(times)) == 3
    # The unregistered thread failed on its first output, as the manual says.
    await world.record.until(raised("unregistered", "SessionNotFoundException"))
    assert not raised("registered", "SessionNotFoundException", "SessionClosedException")(
        world.record.items
    ), "the registered thread must keep its session while the page is open"
    await browser.close()
    # Closing the page ends the session: the clock's next output raises and stops it.
    await world.record.until(
        raised("registered", "SessionNotFoundException", "SessionClosedException")
    )


# ------------------------------------------------ 4.1.3 / 4.7.3 Close of session

# No code in the manual; its statements as an app: deferred calls run in order at
# close, the pending input raises SessionClosedException, later calls raise too.
CLOSE_THREAD = """
def main():
    defer_call(lambda: record('first deferred'))
    defer_call(lambda: record('second deferred'))
    put_text('ready')
    try:
        input('never answered')
    except SessionClosedException:
        record('input: SessionClosedException')
    try:
        put_text('after close').show()
        record('put_text after close: no exception')
    except (SessionNotFoundException, SessionClosedException) as exc:
        record('put_text after close: ' + type(exc).__name__)
"""

CLOSE_COROUTINE = """
async def main():
    defer_call(lambda: record('first deferred'))
    defer_call(lambda: record('second deferred'))
    put_text('ready')
    try:
        await input('never answered')
    except SessionClosedException:
        record('input: SessionClosedException')
    try:
        put_text('after close').show()
        record('put_text after close: no exception')
    except (SessionNotFoundException, SessionClosedException) as exc:
        record('put_text after close: ' + type(exc).__name__)
"""


async def _close(world: World) -> None:
    browser = await world.open()
    await texts(browser, "ready")
    await browser.wait("input_group")
    await browser.close()
    items = await world.record.until(
        lambda items: len(items) == 4 and any("put_text after" in str(i) for i in items)
    )
    assert items.index("input: SessionClosedException") >= 0
    assert items.index("first deferred") < items.index("second deferred")
    (after,) = [i for i in items if str(i).startswith("put_text after close")]
    assert after in (
        "put_text after close: SessionNotFoundException",
        "put_text after close: SessionClosedException",
    ), after


# ------------------------------------------------------ 4.5 pywebio.platform: BMI

# The user guide's first example (examples/bmi.py), over WebSocket and HTTP polling.
BMI = "from examples.bmi import bmi\n"


async def _bmi(world: World) -> None:
    browser = await world.open()
    await answer(browser, "Input your height(cm)", "170")
    await answer(browser, "Input your weight(kg)", "60")
    await texts(browser, "Your BMI: 20.8. Category: Normal")
    await browser.wait("close_session")
    status, page = await world.get("/")
    assert status == 200
    speaks_http = 'data-transport="http"' in page
    assert speaks_http == (world.transport == "http"), "the page names the server's protocol"


# ------------------------------------------------- 4.5.1 Directory Deploy


# The manual's folder: "All three python files contain `main` PyWebIO application
# function"; plus a file and a folder whose names begin with an underscore.
def _app_file(text: str) -> str:
    return f"from pywebio_nb.output import put_text\n\ndef main():\n    put_text({text!r})\n"


DIRECTORY = {
    "A/a.py": _app_file("a.py v1"),
    "B/b.py": _app_file("b.py"),
    "c.py": _app_file("c.py"),
    "_private.py": _app_file("private"),
    "_lib/helper.py": _app_file("helper"),
}


async def _first_text(world: World, path: str, query: str = "") -> str:
    browser = await world.open(query, path=path)
    shown = await browser.wait("output", of_type("text"))
    content: str = shown["spec"]["content"]
    return content


async def _directory(world: World) -> None:
    # "you can access the application ... by using the file path as the URL"
    assert await _first_text(world, "/A/a") == "a.py v1"
    assert await _first_text(world, "/B/b") == "b.py"
    assert await _first_text(world, "/c") == "c.py"
    # Modified after path_deploy(): the old app until `?reload` is asked for.
    world.write("A/a.py", _app_file("a.py v2"))
    assert await _first_text(world, "/A/a") == "a.py v1"
    assert (await world.get("/A/a?reload"))[0] == 200
    assert await _first_text(world, "/A/a") == "a.py v2"
    # The default index page of a directory lists what it holds, never `_` names.
    status, index = await world.get("/")
    assert status == 200
    assert all(name in index for name in ("A", "B", "c")), index
    assert "_private" not in index and "_lib" not in index
    for hidden in ("/_private", "/_lib/helper", "/_lib/"):
        assert (await world.get(hidden))[0] == 404, hidden


# ----------------------------------------------------- 4.5.3 config()

CONFIG = """
config(title="My application") # global configuration

@config(css_style="* { color:red }") # only works on this application
def app():
    put_text("hello PyWebIO")

def other():
    put_text("not decorated")
"""

CONFIG_DOCSTRING = '''
def app():
    """Application title

    Application description...
    (A empty line is used to separate the description and title)
    """
    put_text("documented")

@config(title="Application title", description="Application description...")
def same():
    put_text("configured")
'''


async def _config(world: World) -> None:
    status, page = await world.get("/?app=app")
    assert status == 200
    assert "<title>My application</title>" in page  # the global title
    assert "* { color:red }" in page  # the decorator's style
    status, other = await world.get("/?app=other")
    assert "<title>My application</title>" in other
    assert "color:red" not in other  # the decorator's style is for its app only
    browser = await world.open("app=app")
    await texts(browser, "hello PyWebIO")


async def _config_docstring(world: World) -> None:
    _, documented = await world.get("/?app=app")
    _, configured = await world.get("/?app=same")
    for page in (documented, configured):
        assert "<title>Application title</title>" in page, page[:400]
        assert 'content="Application description...' in page, page[:800]
    browser = await world.open("app=app")
    await texts(browser, "documented")


# ------------------------------------------------------ 4.7.1 multiple apps

MULTIPLE_APPS = """
def task_1():
    put_text('task_1')
    put_buttons(['Go task 2'], [lambda: go_app('task_2')])

def task_2():
    put_text('task_2')
    put_buttons(['Go task 1'], [lambda: go_app('task_1')])

def index():
    put_link('Go task 1', app='task_1') # Use `app` parameter to specify the task_name
    put_link('Go task 2', app='task_2')
"""


async def _go(browser: Browser, label: str, target: str) -> None:
    """Click the button ``label``: the page is told to open app ``target``."""
    buttons = await browser.wait("output", of_type("buttons"))
    assert [b["label"] for b in buttons["spec"]["buttons"]] == [label]
    await browser.send("callback", buttons["spec"]["callback_id"], 0)
    script = await browser.wait("run_script")
    # go_app(name) opens ?app=name, in a new window by default.
    assert script["spec"]["args"] == {"name": target, "new_window": True}
    assert "?app=" in script["spec"]["code"]


async def _multiple_apps(world: World) -> None:
    index = await world.open()  # no ?app=: the index application
    links = [await index.wait("output", of_type("link")) for _ in range(2)]
    assert [(link["spec"]["name"], link["spec"]["url"]) for link in links] == [
        ("Go task 1", "?app=task_1"),
        ("Go task 2", "?app=task_2"),
    ]
    task_1 = await world.open("app=task_1")
    await texts(task_1, "task_1")
    await _go(task_1, "Go task 2", "task_2")
    task_2 = await world.open("app=task_2")
    await texts(task_2, "task_2")
    await _go(task_2, "Go task 1", "task_1")
    for query in ("", "?app=task_1", "?app=task_2"):
        status, _ = await world.get("/" + query)
        assert status == 200, query
    status, body = await world.get("/?app=task_3")
    assert status == 404 and "task_3" in body


async def _default_index(world: World) -> None:
    # No `index` application: PyWebIO provides a default index linking every app.
    status, page = await world.get("/")
    assert status == 200
    assert 'href="?app=task_1"' in page and 'href="?app=task_2"' in page
    index = await world.open()
    listing = await index.wait("output", of_type("html"))
    assert "?app=task_1" in listing["spec"]["content"]
    assert "?app=task_2" in listing["spec"]["content"]
    task_2 = await world.open("app=task_2")
    await texts(task_2, "task_2")


# -------------------------------------------- 4.7.2 Integration with Tornado

# The manual's code without the `if __name__ == "__main__":` block that listens
# on port 80 (the test serves `application` on a loopback port), plus the route of
# pywebio_nb's frontend files (the manual's pages load them from a CDN).
TORNADO = """
import tornado.ioloop
import tornado.web
from pywebio_nb.platform.tornado import webio_handler, static_route

def task_func():
    put_text('hello from ' + input('where?'))

class MainHandler(tornado.web.RequestHandler):
    def get(self):
        self.write("Hello, world")

application = tornado.web.Application([
    (r"/", MainHandler),
    (r"/tool", webio_handler(task_func)), # `task_func` is PyWebIO task function
    static_route(),
])
"""


async def _tornado(world: World) -> None:
    assert await world.get("/") == (200, "Hello, world")  # the project's own handler
    status, page = await world.get("/tool")  # the PyWebIO application's page
    assert status == 200 and "pywebio-nb-root" in page
    assert "/_pywebio_nb/page.js" in page
    status, script = await world.get("/_pywebio_nb/page.js")
    assert status == 200 and len(script) > 1000
    browser = await world.open(path="/tool")
    await answer(browser, "where?", "tornado")
    await texts(browser, "hello from tornado")


# ------------------------------------------------ 4.7.3 Coroutine-based session

SAY_HELLO = """
from pywebio_nb.input import *
from pywebio_nb.output import *
from pywebio_nb import start_server

async def say_hello():
    name = await input("what's your name?")
    put_text('Hello, %s' % name)
"""


async def _say_hello(world: World) -> None:
    browser = await world.open()
    await answer(browser, "what's your name?", "Grace")
    await texts(browser, "Hello, Grace")
    await browser.wait("close_session")


# The manual sleeps 1 s; a twentieth of it keeps the test short. The recorded
# times show the coroutine really waited between the two texts.
HELLO_WORLD = """
import asyncio
from pywebio_nb import start_server

async def hello_word():
    put_text('Hello ...')
    record(('before sleep', time.monotonic()))
    await asyncio.sleep(0.05) # await awaitable objects in asyncio
    record(('after sleep', time.monotonic()))
    put_text('... World!')

async def main():
    await hello_word() # await coroutine
    put_text('Bye, bye')
"""

# The Flask example's coroutine app (run here on Tornado): asyncio through
# run_asyncio_coroutine.
HELLO_WORLD_WRAPPED = """
import asyncio

async def hello_word():
    put_text('Hello ...')
    record(('before sleep', time.monotonic()))
    await run_asyncio_coroutine(asyncio.sleep(0.05)) # can't just "await asyncio.sleep(1) "
    record(('after sleep', time.monotonic()))
    put_text('... World!')
"""


async def _hello_world(world: World, bye: bool = True) -> None:
    browser = await world.open()
    await texts(browser, "Hello ...", "... World!", *(["Bye, bye"] if bye else []))
    await browser.wait("close_session")
    (before, start), (after, end) = world.record.items
    assert (before, after) == ("before sleep", "after sleep")
    assert end - start >= 0.045  # the loop may wake a clock tick early


async def _hello_world_wrapped(world: World) -> None:
    await _hello_world(world, bye=False)


# The manual counts to 10, one a second; 10 numbers 10 ms apart here.
COUNTER = """
from pywebio_nb import start_server
from pywebio_nb.session import run_async

async def counter(n):
    for i in range(n):
        put_text(i)
        await asyncio.sleep(0.01)

async def main():
    handle = run_async(counter(10))
    record(('handle', type(handle).__name__, handle.closed()))
    put_text('Main coroutine function exited.')
"""


async def _counter(world: World) -> None:
    browser = await world.open()
    # run_async starts the coroutine without waiting for it: main goes on first.
    first = await browser.wait("output")
    assert first["spec"]["content"] == "Main coroutine function exited.", first
    await texts(browser, *[str(i) for i in range(10)])
    # The session lives until the last coroutine ends, then closes.
    await browser.wait("close_session")
    assert world.record.items == [("handle", "TaskHandler", False)]


# "you can start new thread, but you cannot call PyWebIO interactive functions in
# it (register_thread() is not available in coroutine session)".
COROUTINE_THREAD = """
def in_thread():
    put_text('from a thread').show()  # sent now (an unassigned output fails silently)

async def main():
    try:
        register_thread(threading.Thread(target=in_thread))
        record('register_thread: accepted')
    except Exception as exc:
        record('register_thread: ' + type(exc).__name__)
    thread = threading.Thread(target=in_thread, name='unregistered')
    thread.start()
    await run_asyncio_coroutine(asyncio.to_thread(thread.join))
    put_text('main done')
"""


async def _coroutine_thread(world: World) -> None:
    browser = await world.open()
    await texts(browser, "main done")
    items = await world.record.until(raised("unregistered", "SessionNotFoundException"))
    assert items[0] == "register_thread: RuntimeError", items
    assert not any(
        c["command"] == "output" and c["spec"].get("content") == "from a thread"
        for c in browser.received
    )


# A coroutine callback, and a thread app's callback, as the manual allows
# ("callbacks that are coroutines" in coroutine sessions).
COROUTINE_CALLBACK = """
async def main():
    async def on_click(label):
        await asyncio.sleep(0.01)
        put_text('clicked ' + label)

    put_buttons(['A', 'B'], onclick=on_click)
    await hold()
"""


async def _coroutine_callback(world: World) -> None:
    browser = await world.open()
    buttons = await browser.wait("output", of_type("buttons"))
    await browser.send("callback", buttons["spec"]["callback_id"], 1)  # the index of 'B'
    await texts(browser, "clicked B")


WS_ONLY = ("websocket",)

EXAMPLES: list[Example] = [
    Example(
        "run-application-star-import",
        RUN_APPLICATION,
        _hello,
        prelude=False,
    ),
    Example("run-application", RUN_APPLICATION_IMPORTS, _hello, prelude=False),
    Example(
        "concurrent-register_thread",
        CLOCK,
        _clock,
        serves="app",
        transports=WS_ONLY,
    ),
    Example("close-of-session-thread", CLOSE_THREAD, _close, transports=WS_ONLY),
    Example("close-of-session-coroutine", CLOSE_COROUTINE, _close, transports=WS_ONLY),
    Example("bmi", BMI, _bmi, serves="bmi", prelude=False),
    Example(
        "path_deploy-directory",
        "",
        _directory,
        server="path_deploy",
        files=DIRECTORY,
        transports=WS_ONLY,
    ),
    Example("config", CONFIG, _config, serves="[app, other]"),
    Example("config-docstring", CONFIG_DOCSTRING, _config_docstring, serves="[app, same]"),
    Example(
        "multiple-apps-list",
        MULTIPLE_APPS,
        _multiple_apps,
        serves="[index, task_1, task_2]",
    ),
    Example(
        "multiple-apps-dict",
        MULTIPLE_APPS,
        _multiple_apps,
        serves="{'index': index, 'task_1': task_1, 'task_2': task_2}",
    ),
    Example(
        "multiple-apps-default-index", MULTIPLE_APPS, _default_index, serves="[task_1, task_2]"
    ),
    Example(
        "tornado-webio_handler",
        TORNADO,
        _tornado,
        serves="application",
        server="application",
        transports=WS_ONLY,
    ),
    Example("coroutine-say_hello", SAY_HELLO, _say_hello, serves="say_hello"),
    Example("coroutine-asyncio-sleep", HELLO_WORLD, _hello_world),
    Example(
        "coroutine-run_asyncio_coroutine",
        HELLO_WORLD_WRAPPED,
        _hello_world_wrapped,
        serves="hello_word",
    ),
    Example("coroutine-run_async-counter", COUNTER, _counter),
    Example("coroutine-no-threads", COROUTINE_THREAD, _coroutine_thread),
    Example("coroutine-callback", COROUTINE_CALLBACK, _coroutine_callback),
]
