"""pywebio_nb.session against the in-memory transport: run_async and its TaskHandler,
run_asyncio_coroutine, get_current_task_id, eval_js, download (blob path), set_env,
local, defer_call, hold, and a table of where each session exception is raised."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from pywebio_nb.exceptions import (
    SessionClosedException,
    SessionException,
    SessionNotFoundException,
)
from pywebio_nb.input import input
from pywebio_nb.output import put_text
from pywebio_nb.protocol import Command
from pywebio_nb.session import (
    TaskHandler,
    defer_call,
    download,
    eval_js,
    get_current_session,
    get_current_task_id,
    go_app,
    hold,
    info,
    local,
    register_thread,
    run_async,
    run_asyncio_coroutine,
    run_js,
    set_env,
)
from pywebio_nb.session._base import Session, ThreadSession
from pywebio_nb.session._coroutine import CoroutineSession
from pywebio_nb.session._memory import MemoryTransport

TIMEOUT = 5.0


class Watcher:
    """A coroutine session on the running loop whose test awaits delivered commands."""

    def __init__(self, app: Callable[[], Awaitable[Any]], on_done: Any = None) -> None:
        self.changed = asyncio.Event()
        self.transport = MemoryTransport(on_batch=lambda root, batch: self.changed.set())
        self.done: list[Session] = []
        self.session = CoroutineSession(
            app,
            self.transport,
            loop=asyncio.get_running_loop(),
            on_done=on_done or self.done.append,
        )
        self.session.start()

    async def command(
        self, name: str, count: int = 1, where: Callable[[Command], bool] | None = None
    ) -> Command:
        async def wait() -> Command:
            while True:
                found = [c for c in self.transport.commands(name) if where is None or where(c)]
                if len(found) >= count:
                    return found[count - 1]
                self.changed.clear()
                await self.changed.wait()

        return await asyncio.wait_for(wait(), TIMEOUT)

    def texts(self) -> list[str]:
        return [
            c["spec"]["content"]
            for c in self.transport.commands("output")
            if c["spec"]["type"] == "text"
        ]

    def send(self, event: str, task_id: str | None, data: Any) -> None:
        self.session.dispatch({"event": event, "task_id": task_id, "data": data})


def text_is(value: str) -> Callable[[Command], bool]:
    return lambda c: c["spec"].get("content") == value


# ------------------------------------------------------------------ run_async


def test_run_async_runs_beside_a_pending_input_and_its_handler_closes_it() -> None:
    handlers: dict[str, TaskHandler] = {}
    ids: dict[str, str] = {}
    gate = asyncio.Event()

    async def ticker() -> None:
        ids["ticker"] = get_current_task_id()
        put_text("tick started")
        await gate.wait()
        put_text("never: the handler closed the task")

    async def app() -> None:
        ids["main"] = get_current_task_id()
        handlers["t"] = run_async(ticker())
        name = await input("name")
        put_text(f"hello {name}")

    async def main() -> None:
        w = Watcher(app)
        form = await w.command("input_group")
        await w.command("output", where=text_is("tick started"))
        handler = handlers["t"]
        assert not handler.closed()
        handler.close()
        assert handler.closed()  # at once, as PyWebIO's handler says
        gate.set()
        w.send("from_submit", form["task_id"], {"data": "Ann"})
        await w.command("output", where=text_is("hello Ann"))
        await asyncio.sleep(0)
        assert "never: the handler closed the task" not in w.texts()
        assert ids["ticker"].startswith("ticker-") and ids["main"] != ids["ticker"]
        w.session.close()

    asyncio.run(main())


def test_the_session_stays_open_until_run_async_tasks_end_and_close_cancels_them() -> None:
    gate = asyncio.Event()
    cancelled: list[str] = []

    async def worker() -> None:
        await gate.wait()
        put_text("worker done")

    async def forever() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.append("forever")
            raise

    async def app() -> None:
        run_async(worker())
        put_text("app returned")

    async def main() -> None:
        w = Watcher(app)
        await w.command("output", where=text_is("app returned"))
        assert w.session.task is not None
        await asyncio.wait_for(w.session.task, TIMEOUT)
        assert w.done == []  # the server is not told yet: a task still runs
        gate.set()
        await w.command("output", where=text_is("worker done"))
        for _ in range(3):
            await asyncio.sleep(0)
        assert w.done == [w.session]

        async def app2() -> None:
            run_async(forever())

        w2 = Watcher(app2)
        assert w2.session.task is not None
        await asyncio.wait_for(w2.session.task, TIMEOUT)
        await asyncio.sleep(0)
        w2.session.close()
        for _ in range(3):
            await asyncio.sleep(0)
        assert cancelled == ["forever"]

    asyncio.run(main())


def test_an_error_in_a_run_async_task_is_shown_on_the_page() -> None:
    async def broken() -> None:
        raise ValueError("boom in task")

    async def app() -> None:
        run_async(broken())
        await hold()

    async def main() -> None:
        w = Watcher(app)
        shown = await w.command("output", where=lambda c: "boom in task" in c["spec"]["content"])
        assert "ValueError" in shown["spec"]["content"]
        w.session.close()
        assert w.session.task is not None
        await asyncio.wait_for(w.session.task, TIMEOUT)  # await hold() returned on close

    asyncio.run(main())


def test_run_asyncio_coroutine_returns_the_coroutines_value() -> None:
    async def answer() -> int:
        await asyncio.sleep(0)
        return 42

    async def app() -> None:
        put_text(str(await run_asyncio_coroutine(answer())))

    async def main() -> None:
        w = Watcher(app)
        await w.command("output", where=text_is("42"))
        w.session.close()

    asyncio.run(main())


def test_await_eval_js_gives_the_value_and_none_for_a_rejected_promise() -> None:
    results: list[Any] = []

    async def app() -> None:
        results.append(await eval_js("a + b", a=1, b=2))
        results.append(await eval_js("Promise.reject(1)"))

    async def main() -> None:
        w = Watcher(app)
        first = await w.command("run_script")
        assert first["spec"] == {"code": "a + b", "args": {"a": 1, "b": 2}, "eval": True}
        w.send("js_yield", first["task_id"], 3)
        second = await w.command("run_script", 2)
        w.send("js_yield", second["task_id"], None)  # what the renderer sends on rejection
        assert w.session.task is not None
        await asyncio.wait_for(w.session.task, TIMEOUT)

    asyncio.run(main())
    assert results == [3, None]


def test_task_ids_in_a_thread_session_name_the_thread(run_app) -> None:
    def app() -> list[str]:
        ids = [get_current_task_id(), f"{threading.current_thread().name}-{threading.get_ident()}"]
        worker = threading.Thread(target=lambda: ids.append(get_current_task_id()), name="w")
        register_thread(worker)
        worker.start()
        worker.join(TIMEOUT)
        ids.append(f"w-{worker.ident}")
        return ids

    main_id, main_expected, worker_id, worker_expected = run_app(app).join()
    assert main_id == main_expected and main_id.startswith("pywebio-nb-app-")
    assert worker_id == worker_expected


# ------------------------------------------------------------------- download


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("hello-world.txt", b"hello world!", "text/plain"),
        ("data.bin", bytearray(b"\x00\xff" * 1000), "application/octet-stream"),
        ("empty.csv", b"", "text/csv"),
    ],
)
def test_download_sends_the_bytes_beside_the_command(
    run_app, name: str, content: Any, mime: str
) -> None:
    run = run_app(lambda: download(name, content))
    run.join()
    (command,) = run.commands("download")
    ref = command["spec"]["content"]
    assert command["spec"]["name"] == name
    assert ref == {"blob": ref["blob"], "size": len(content), "mime": mime}
    assert run.transport.blob_bytes(ref["blob"]) == bytes(content)
    # The bytes came in the same delivery as the command (before it), never as text.
    batch_blobs = [blob.id for _, blob in run.transport.blobs]
    assert batch_blobs == [ref["blob"]]


def test_download_refuses_what_is_not_bytes(run_app) -> None:
    def app() -> None:
        download("x.txt", "text")  # type: ignore[arg-type]

    with pytest.raises(TypeError, match="bytes-like"):
        run_app(app).join()


# -------------------------------------------------------------------- set_env

ALL_ENV = {
    "title": "Awesome PyWebIO!!",
    "output_animation": False,
    "auto_scroll_bottom": True,
    "http_pull_interval": 500,
    "input_panel_fixed": False,
    "input_panel_min_height": 100,
    "input_panel_init_height": 200,
    "input_auto_focus": False,
    "output_max_width": "80%",
}


def test_set_env_sends_every_key_of_the_manual_and_keeps_them(run_app) -> None:
    def app() -> dict[str, Any]:
        set_env(**ALL_ENV)
        set_env(title="second")
        return dict(get_current_session().env)

    run = run_app(app)
    env = run.join()
    assert env == {**ALL_ENV, "title": "second"}
    assert [c["spec"] for c in run.commands("set_env")] == [ALL_ENV, {"title": "second"}]


def test_set_env_refuses_an_unknown_key(run_app) -> None:
    def app() -> None:
        set_env(titel="typo")

    with pytest.raises(TypeError, match=r"'titel'.*expected some of .*output_max_width"):
        run_app(app).join()


class _NoAppsSession(Session):
    """Stands for the notebook kernel's session (it serves no apps, has no page)."""

    serves_apps = False


def test_set_env_in_a_notebook_warns_for_page_keys_and_applies_the_rest() -> None:
    transport = MemoryTransport()
    session = _NoAppsSession(transport)
    from pywebio_nb.session._context import session_var

    token = session_var.set(session)
    try:
        with pytest.warns(UserWarning, match=r"set_env\(input_panel_fixed, title\).*server"):
            set_env(title="x", input_panel_fixed=True, output_max_width="500px")
        session.flush()
        assert [c["spec"] for c in transport.commands("set_env")] == [{"output_max_width": "500px"}]
        assert hold() is None  # a kernel session: nothing to hold
    finally:
        session_var.reset(token)


# ---------------------------------------------------------------------- local


def test_local_behaves_as_the_manuals_attribute_dict(run_app) -> None:
    def app() -> dict[str, Any]:
        local.name = "Wang"
        local.age = 22
        assert local.foo is None
        local[10] = "10"
        keys = list(local)
        assert "bar" not in local
        assert "name" in local
        assert local["name"] == "Wang" and local[10] == "10"
        del local.age
        del local[10]
        assert local.age is None
        return {"keys": keys, "dict": dict(local._dict), "repr": repr(local)}

    result = run_app(app).join()
    assert result["keys"] == ["name", "age", 10]
    assert result["dict"] == {"name": "Wang"}
    assert result["repr"] == "SessionLocal({'name': 'Wang'})"


# ----------------------------------------------------------------- defer_call


def test_defer_call_runs_in_order_once_even_after_an_error_and_as_decorator(run_app) -> None:
    calls: list[str] = []
    ran = threading.Event()

    def app() -> None:
        defer_call(lambda: calls.append("first"))

        @defer_call
        def second() -> None:
            calls.append("second")
            raise RuntimeError("cleanup failed")

        assert callable(second)  # the decorator returns the function
        defer_call(lambda: (calls.append("third"), ran.set()))

    run = run_app(app)
    run.join()
    assert calls == []  # not before the session closes
    run.session.close()
    assert ran.wait(TIMEOUT)
    run.session.close()  # a second close runs nothing again
    assert isinstance(run.session, ThreadSession) and run.session.deferred_thread is not None
    run.session.deferred_thread.join(TIMEOUT)
    assert calls == ["first", "second", "third"]


# ------------------------------------------------- where each exception is raised


def _closed_session() -> Session:
    session = Session(MemoryTransport())
    session.close()
    return session


def _in(session: Session | None, call: Callable[[], Any]) -> Callable[[], Any]:
    """Run ``call`` with ``session`` current (None: outside any session)."""
    from pywebio_nb.session._context import session_var

    def run() -> Any:
        token = session_var.set(session)
        try:
            return call()
        finally:
            session_var.reset(token)

    return run


NOT_FOUND = "No PyWebIO session"

#: (where, call, the exception the manual (or PyWebIO) raises there, message part)
WHERE_RAISED: list[tuple[str, Callable[[], Callable[[], Any]], type[BaseException], str]] = [
    ("get_current_session outside", lambda: _in(None, get_current_session),
     SessionNotFoundException, NOT_FOUND),
    ("put_text(...).show() outside", lambda: _in(None, lambda: put_text("x").show()),
     SessionNotFoundException, NOT_FOUND),
    ("input outside", lambda: _in(None, lambda: input("x")), SessionNotFoundException, NOT_FOUND),
    ("local attribute outside", lambda: _in(None, lambda: local.x),
     SessionNotFoundException, NOT_FOUND),
    ("info attribute outside", lambda: _in(None, lambda: info.user_ip),
     SessionNotFoundException, NOT_FOUND),
    ("run_js outside", lambda: _in(None, lambda: run_js("1")), SessionNotFoundException, NOT_FOUND),
    ("defer_call outside", lambda: _in(None, lambda: defer_call(print)),
     SessionNotFoundException, NOT_FOUND),
    ("get_current_task_id outside", lambda: _in(None, get_current_task_id),
     SessionNotFoundException, NOT_FOUND),
    ("unregistered thread", lambda: lambda: _in_thread(get_current_session),
     SessionNotFoundException, "register_thread"),
    ("put_text(...).show() after close",
     lambda: _in(_closed_session(), lambda: put_text("x").show()),
     SessionClosedException, "closed"),
    ("input after close", lambda: _in(_closed_session(), lambda: input("x")),
     SessionClosedException, "closed"),
    ("eval_js after close", lambda: _in(_closed_session(), lambda: eval_js("1")),
     SessionClosedException, "closed"),
    ("go_app in a notebook", lambda: _in(_NoAppsSession(MemoryTransport()), lambda: go_app("a")),
     SessionException, "server-only"),
    ("run_async in a thread session",
     lambda: _in(Session(MemoryTransport()), lambda: run_async(asyncio.sleep(0))),
     RuntimeError, "coroutine-based session"),
    ("run_asyncio_coroutine in a thread session",
     lambda: _in(Session(MemoryTransport()), lambda: run_asyncio_coroutine(asyncio.sleep(0))),
     RuntimeError, "coroutine-based session"),
    ("set_env with an unknown key", lambda: _in(Session(MemoryTransport()), lambda: set_env(x=1)),
     TypeError, "unknown key"),
]  # fmt: skip


def _in_thread(call: Callable[[], Any]) -> Any:
    """Run ``call`` in a new, unregistered thread; re-raise what it raised."""
    box: list[BaseException] = []

    def target() -> None:
        try:
            call()
        except BaseException as exc:
            box.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(TIMEOUT)
    if box:
        raise box[0]


@pytest.mark.parametrize(
    ("call", "expected", "match"),
    [pytest.param(call, exc, match, id=where) for where, call, exc, match in WHERE_RAISED],
)
def test_where_each_exception_is_raised(
    call: Callable[[], Callable[[], Any]], expected: type[BaseException], match: str
) -> None:
    with pytest.raises(expected, match=match) as caught:
        call()()
    if expected is SessionNotFoundException or expected is SessionClosedException:
        assert isinstance(caught.value, SessionException)  # the hierarchy of the manual


def test_a_pending_input_raises_session_closed_when_the_session_closes(run_app) -> None:
    def app() -> str:
        try:
            input("never answered")
        except SessionClosedException:
            return "closed"
        return "answered"

    run = run_app(app)
    run.wait_form()
    run.session.close()
    assert run.join() == "closed"
