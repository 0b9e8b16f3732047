"""The session core: batching, event dispatch, close, session API, coroutine sessions."""

from __future__ import annotations

import asyncio
import contextvars
import logging
import queue
import threading
from typing import Any

import pytest

from pywebio_nb.exceptions import SessionClosedException, SessionNotFoundException
from pywebio_nb.input import actions, input
from pywebio_nb.output import put_buttons, put_text, use_scope
from pywebio_nb.protocol import Command, make_command
from pywebio_nb.session import (
    defer_call,
    eval_js,
    get_current_session,
    hold,
    local,
    register_thread,
    run_js,
    set_env,
)
from pywebio_nb.session._base import Mailbox, Session, SessionLocal, ThreadSession
from pywebio_nb.session._context import root_var
from pywebio_nb.session._coroutine import CoroutineSession, _AsyncMailbox
from pywebio_nb.session._memory import MemoryTransport

TIMEOUT = 5.0
ROOT_SEL = "#pywebio-scope-ROOT"


def _text(content: str, scope: str = ROOT_SEL) -> dict[str, Any]:
    return {"type": "text", "content": content, "scope": scope, "position": -1}


class ManualFlushTransport(MemoryTransport):
    """Records flush requests instead of flushing: the test decides when."""

    def __init__(self) -> None:
        super().__init__()
        self.flush_requests = 0

    def request_flush(self) -> None:
        self.flush_requests += 1


# ------------------------------------------------------------------- batching


def test_many_sends_are_delivered_in_one_batch() -> None:
    transport = ManualFlushTransport()
    session = Session(transport)
    for i in range(50):
        session.send(make_command("output", _text(str(i))))
    assert transport.flush_requests == 1  # only when the buffer became non-empty
    assert transport.batches == []
    session.flush()
    assert len(transport.batches) == 1
    root, batch = transport.batches[0]
    assert root == "page"
    assert [c["spec"]["content"] for c in batch] == [str(i) for i in range(50)]
    session.flush()  # nothing buffered: nothing delivered
    assert len(transport.batches) == 1
    session.send(make_command("output", _text("again")))
    assert transport.flush_requests == 2
    assert session.page.root("page").texts()[-1] == "again"  # the model is updated at send


def test_flush_splits_batches_per_root_in_order() -> None:
    transport = ManualFlushTransport()
    session = Session(transport)
    session.send(make_command("output", _text("a1")), root_id="cell-a")
    session.send(make_command("output", _text("a2")), root_id="cell-a")
    session.send(make_command("output", _text("b1")), root_id="cell-b")
    session.send(make_command("output", _text("a3")), root_id="cell-a")
    session.flush()
    assert [(root, [c["spec"]["content"] for c in batch]) for root, batch in transport.batches] == [
        ("cell-a", ["a1", "a2"]),
        ("cell-b", ["b1"]),
        ("cell-a", ["a3"]),
    ]


def test_command_to_a_named_scope_routes_to_the_root_showing_it() -> None:
    transport = MemoryTransport()
    session = Session(transport)
    session.send(
        make_command(
            "output_ctl",
            {
                "set_scope": "pywebio-scope-side",
                "container": ROOT_SEL,
                "position": -1,
                "if_exist": None,
            },
        ),
        root_id="cell-1",
    )
    session.send(make_command("output", _text("routed", "#pywebio-scope-side")))  # no root given
    session.send(make_command("output", _text("default")))
    assert [root for root, _ in transport.batches] == ["cell-1", "cell-1", "page"]
    assert session.page.scope("side").texts() == ["routed"]  # type: ignore[union-attr]
    assert session.page.root("page").texts() == ["default"]


def test_set_scope_for_a_scope_in_another_root_routes_to_that_root() -> None:
    transport = MemoryTransport()
    session = Session(transport)
    session.send(
        make_command(
            "output_ctl",
            {
                "set_scope": "pywebio-scope-x",
                "container": ROOT_SEL,
                "position": -1,
                "if_exist": None,
            },
        ),
        root_id="cell-1",
    )
    session.send(make_command("output", _text("old", "#pywebio-scope-x")))
    token = root_var.set("cell-2")  # the calling code runs in another cell
    try:
        session.send(
            make_command(
                "output_ctl",
                {
                    "set_scope": "pywebio-scope-x",
                    "container": ROOT_SEL,
                    "position": -1,
                    "if_exist": "clear",
                },
            )
        )
    finally:
        root_var.reset(token)
    assert session.page.scope("x").texts() == []  # type: ignore[union-attr]
    assert transport.batches[-1][0] == "cell-1"


def test_flushes_from_two_threads_are_delivered_in_order() -> None:
    first_delivery = threading.Event()
    release = threading.Event()
    moved = threading.Event()  # B either waits for the flush lock or delivers

    class SlowFirstDelivery(ManualFlushTransport):
        def deliver(self, root_id: str, batch: list[Command]) -> None:
            if not first_delivery.is_set():
                first_delivery.set()
                assert release.wait(TIMEOUT)
            else:
                moved.set()
            super().deliver(root_id, batch)

    class ContendedLock:
        """The session's flush lock, telling when a second flush has to wait for it."""

        def __init__(self, inner: Any) -> None:
            self.inner = inner
            self.contended = threading.Event()

        def __enter__(self) -> None:
            if not self.inner.acquire(blocking=False):
                self.contended.set()
                moved.set()
                self.inner.acquire()

        def __exit__(self, *exc: object) -> None:
            self.inner.release()

    transport = SlowFirstDelivery()
    session = Session(transport)
    assert hasattr(session, "_flush_lock"), "adapt this test: flushes are ordered another way"
    lock = ContendedLock(session._flush_lock)
    session._flush_lock = lock  # type: ignore[assignment]
    session.send(make_command("output", _text("first")))
    a = threading.Thread(target=session.flush)
    a.start()
    assert first_delivery.wait(TIMEOUT)  # A has taken "first" and is delivering it
    session.send(make_command("output", _text("second")))
    b = threading.Thread(target=session.flush)
    b.start()
    # B took "second" and must now wait for A's delivery to end; a broken
    # implementation delivers "second" at once instead.
    assert moved.wait(TIMEOUT)
    assert transport.batches == [], "B's batch overtook A's"
    assert lock.contended.is_set()
    release.set()
    a.join(TIMEOUT)
    b.join(TIMEOUT)
    assert not a.is_alive() and not b.is_alive()
    assert [[c["spec"]["content"] for c in batch] for _, batch in transport.batches] == [
        ["first"],
        ["second"],
    ]


def test_outputs_from_app_and_callback_threads_keep_per_thread_order(run_app) -> None:
    done = threading.Event()

    def on_click(_: Any) -> None:
        for i in range(100):
            put_text(f"cb{i}")
        done.set()

    def app() -> None:
        put_buttons(["go"], onclick=on_click)
        for i in range(100):
            put_text(f"app{i}")

    run = run_app(app)
    button = run.wait_command("output")
    run.click(button["spec"]["callback_id"], 0)
    run.join()
    assert done.wait(TIMEOUT)
    delivered = [c["spec"].get("content") for c in run.commands("output")[1:]]
    assert [t for t in delivered if t.startswith("app")] == [f"app{i}" for i in range(100)]
    assert [t for t in delivered if t.startswith("cb")] == [f"cb{i}" for i in range(100)]
    assert run.page.texts() == delivered  # the model saw the same order as the wire


# ------------------------------------------------------------------- events

MALFORMED_OR_UNKNOWN = [
    pytest.param(["from_submit"], id="list"),
    pytest.param("from_submit", id="string"),
    pytest.param(None, id="none"),
    pytest.param({"event": "explode", "task_id": None, "data": {}}, id="unknown-event"),
    pytest.param({"task_id": None, "data": {}}, id="no-event-name"),
    pytest.param({"event": "from_submit", "task_id": 7, "data": {"data": "x"}}, id="int-task-id"),
    pytest.param({"event": "from_submit", "task_id": ["t"], "data": {}}, id="list-task-id"),
    pytest.param({"event": "from_submit", "task_id": "form-1"}, id="no-data"),
    pytest.param(
        {"event": "from_submit", "task_id": "form-999", "data": {"data": "x"}}, id="unknown-task"
    ),
    pytest.param({"event": "from_submit", "task_id": None, "data": {"data": "x"}}, id="null-task"),
    pytest.param(
        {"event": "callback", "task_id": "no-such-callback", "data": 0}, id="unknown-callback"
    ),
    pytest.param({"event": "callback", "task_id": None, "data": 0}, id="null-callback"),
    pytest.param(
        {"event": "input_event", "task_id": "form-1", "data": {"value": 1}},
        id="input-event-no-name",
    ),
    pytest.param({"event": "pong", "task_id": None, "data": {}}, id="pong-no-id"),
]


@pytest.mark.parametrize("message", MALFORMED_OR_UNKNOWN)
def test_bad_events_are_ignored_and_session_keeps_working(run_app, message: Any) -> None:
    run = run_app(lambda: input("Name"))
    form = run.wait_form()
    assert form["task_id"] == "form-1"  # the ids used above
    run.session.dispatch(message)
    run.session.dispatch(message)
    assert not run.session.closed
    run.submit(form, {"data": "still alive"})
    assert run.join() == "still alive"
    assert run.commands("update_input") == []
    assert [c["command"] for c in run.commands()] == ["input_group", "destroy_form"]


def test_malformed_event_is_logged_with_the_reason(caplog: pytest.LogCaptureFixture) -> None:
    session = Session(MemoryTransport())
    with caplog.at_level(logging.WARNING, logger="pywebio_nb.session"):
        session.dispatch({"event": "from_submit", "task_id": 3, "data": {}})
    assert "task_id must be a string or null, got int" in caplog.text


def test_error_in_app_is_shown_on_the_page() -> None:
    def app() -> None:
        put_text("before")
        raise LookupError("bad thing")

    transport = MemoryTransport()
    session = ThreadSession(app, transport)
    session.start()
    session.thread.join(TIMEOUT)
    assert not session.thread.is_alive()
    texts = session.page.root("page").texts()
    assert texts[0] == "before"
    assert "LookupError: bad thing" in texts[1]
    session.close()


def test_error_in_callback_is_shown_and_later_clicks_work(run_app) -> None:
    done = threading.Event()

    def on_click(value: str) -> None:
        if value == "bad":
            raise ArithmeticError("callback failed")
        put_text("good")
        done.set()

    run = run_app(lambda: put_buttons(["bad", "good"], onclick=on_click))
    run.join()
    button = run.wait_command("output")
    run.click(button["spec"]["callback_id"], 0)
    error = run.wait_command("output", 2)
    assert "ArithmeticError: callback failed" in error["spec"]["content"]
    run.click(button["spec"]["callback_id"], 1)
    assert done.wait(TIMEOUT)
    assert run.wait_command("output", 3)["spec"]["content"] == "good"


# --------------------------------------------------------------------- close


def test_close_wakes_waiters_runs_deferred_calls_and_closes_transport() -> None:
    events: list[str] = []

    def app() -> None:
        defer_call(lambda: events.append("deferred 1"))

        @defer_call
        def failing() -> None:
            events.append("deferred 2")
            raise RuntimeError("ignored: logged, the next one still runs")

        defer_call(lambda: events.append("deferred 3"))
        assert callable(failing)
        try:
            actions("wait", ["x"])
        except SessionClosedException:
            events.append("app woke")
            raise

    transport = MemoryTransport()
    session = ThreadSession(app, transport)
    session.start()
    transport.wait_for(lambda cs: any(c["command"] == "input_group" for c in cs), TIMEOUT)
    assert events == []
    session.close()
    session.thread.join(TIMEOUT)
    assert not session.thread.is_alive()
    # deferred calls run on their own thread (a server closes sessions on its loop)
    assert session.deferred_thread is not None
    session.deferred_thread.join(TIMEOUT)
    # the app thread wakes concurrently with the deferred calls, which run in order
    assert [e for e in events if e != "app woke"] == ["deferred 1", "deferred 2", "deferred 3"]
    assert "app woke" in events
    assert transport.commands()[-1]["command"] == "close_session"
    assert transport.closed
    session.close()  # idempotent
    assert len(transport.commands("close_session")) == 1
    with pytest.raises(SessionClosedException):
        session.send(make_command("output", _text("late")))
    with pytest.raises(SessionClosedException):
        session.open_mailbox("task-x")


def test_close_without_notifying_client() -> None:
    transport = MemoryTransport()
    session = Session(transport)
    session.close(notify_client=False)
    assert session.closed and transport.closed
    assert transport.commands() == []


def test_clicks_after_close_are_ignored(run_app) -> None:
    clicked: list[Any] = []
    run = run_app(lambda: put_buttons(["a"], onclick=clicked.append))
    run.join()
    button = run.wait_command("output")
    run.session.close()
    run.click(button["spec"]["callback_id"], 0)
    assert clicked == []


def test_hold_returns_when_session_closes(run_app) -> None:
    def app() -> str:
        put_text("holding")
        hold()
        return "released"

    run = run_app(app)
    run.wait_command("output")
    assert run.session.thread.is_alive()
    run.session.close()
    assert run.join() == "released"


def test_async_mailbox_keeps_order_wakes_its_waiter_and_stays_closed() -> None:
    async def scenario() -> list[Any]:
        loop = asyncio.get_running_loop()
        mailbox = _AsyncMailbox(loop)
        seen: list[Any] = []
        first: Any = {"event": "from_submit", "task_id": "t", "data": {"n": 1}}
        mailbox.put(first)  # before anyone waits: kept
        seen.append(await mailbox.aget())
        waiter = asyncio.ensure_future(mailbox.aget())
        await asyncio.sleep(0)  # the waiter is waiting now
        with pytest.raises(RuntimeError, match="one waiter"):
            await mailbox.aget()
        # From another thread: handed to the loop, the waiter wakes with it.
        second: Any = {"event": "from_submit", "task_id": "t", "data": {"n": 2}}
        thread = threading.Thread(target=mailbox.put, args=(second,))
        thread.start()
        seen.append(await asyncio.wait_for(waiter, 5))
        thread.join()
        third: Any = {"event": "input_event", "task_id": "t", "data": {"name": "a"}}
        mailbox.put(third)
        mailbox.close()
        seen.append(await mailbox.aget())  # what came before the close is still read
        for _ in range(2):
            with pytest.raises(SessionClosedException):
                await mailbox.aget()
        # A cancelled wait leaves the mailbox usable.
        other = _AsyncMailbox(loop)
        cancelled = asyncio.ensure_future(other.aget())
        await asyncio.sleep(0)
        cancelled.cancel()
        with pytest.raises(asyncio.CancelledError):
            await cancelled
        again = asyncio.ensure_future(other.aget())  # waits again: the mailbox is empty
        await asyncio.sleep(0)
        other.put(first)
        seen.append(await asyncio.wait_for(again, 5))
        return [event["data"] for event in seen]

    assert asyncio.run(scenario()) == [{"n": 1}, {"n": 2}, {"name": "a"}, {"n": 1}]


def test_mailbox_close_raises_for_every_later_get() -> None:
    mailbox = Mailbox()
    event: Any = {"event": "from_submit", "task_id": "t", "data": {}}
    mailbox.put(event)
    mailbox.close()
    assert mailbox.get(timeout=1) == event
    for _ in range(2):
        with pytest.raises(SessionClosedException):
            mailbox.get(timeout=1)
    with pytest.raises(SessionClosedException):
        mailbox.get_nowait()
    assert Mailbox().get_nowait() is None
    with pytest.raises(queue.Empty):
        Mailbox().get(timeout=0.01)


def test_wait_event_timeout_names_the_task() -> None:
    session = Session(MemoryTransport())
    mailbox = session.open_mailbox("form-x")
    with pytest.raises(TimeoutError, match="form-x"):
        session.wait_event("form-x", mailbox, timeout=0.01)


# --------------------------------------------------------------------- local


def test_session_local_object() -> None:
    store = SessionLocal()
    assert store.missing is None
    assert "missing" not in store
    store.name = "Ann"
    store["key"] = 1
    assert store.name == "Ann" and store["name"] == "Ann" and store.key == 1
    assert "name" in store and sorted(store) == ["key", "name"]
    del store.name
    del store["nothing"]  # deleting a missing key is fine
    assert store.name is None and "name" not in store
    with pytest.raises(AttributeError):
        store.__wrapped__  # noqa: B018 - dunder lookups are real misses (copy, pickle)


def test_local_is_per_session(run_app) -> None:
    def make_app(user: str) -> Any:
        def app() -> Any:
            seen = {"before": local.user, "in_before": "user" in local}
            local.user = user
            local["visits"] = 1
            input("wait")  # both sessions are alive at the same time here
            seen.update(
                after=local.user,
                in_after="user" in local,
                visits=local.visits,
                missing=local.nothing,
            )
            return seen

        return app

    run_a = run_app(make_app("a"))
    run_b = run_app(make_app("b"))
    form_a, form_b = run_a.wait_form(), run_b.wait_form()
    run_b.submit(form_b, {"data": ""})
    run_a.submit(form_a, {"data": ""})
    expected = {"before": None, "in_before": False, "in_after": True, "visits": 1, "missing": None}
    assert run_a.join() == {**expected, "after": "a"}
    assert run_b.join() == {**expected, "after": "b"}
    assert run_a.session.local.user == "a" and run_b.session.local.user == "b"


# ----------------------------------------------------------- js and env


def test_run_js_and_set_env(run_app) -> None:
    def app() -> None:
        run_js("console.log(msg)", msg="hi")
        set_env(title="Demo", output_animation=False)

    run = run_app(app)
    run.join()
    (script,) = run.commands("run_script")
    assert script["spec"] == {"code": "console.log(msg)", "args": {"msg": "hi"}}
    (env,) = run.commands("set_env")
    assert env["spec"] == {"title": "Demo", "output_animation": False}


def test_eval_js_returns_the_js_yield_data(run_app) -> None:
    def app() -> Any:
        return eval_js("window.innerWidth * k", k=2)

    run = run_app(app)
    command = run.wait_command("run_script")
    assert command["spec"] == {"code": "window.innerWidth * k", "args": {"k": 2}, "eval": True}
    assert command["task_id"]
    run.send("js_yield", "some-other-task", 1)
    run.send("js_yield", command["task_id"], {"width": 2048})
    assert run.join() == {"width": 2048}


# --------------------------------------------------------------- finding it


def test_get_current_session_outside_any_session_raises() -> None:
    outcome: list[BaseException | None] = []

    def probe() -> None:
        try:
            get_current_session()
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=contextvars.Context().run, args=(probe,))
    thread.start()
    thread.join(TIMEOUT)
    (error,) = outcome
    assert isinstance(error, SessionNotFoundException)
    assert "start_server()" in str(error)


def test_get_current_session_in_app_and_registered_thread(run_app) -> None:
    seen: list[Any] = []

    def worker() -> None:
        seen.append(get_current_session())
        put_text("from worker")

    def app() -> None:
        seen.append(get_current_session())
        thread = threading.Thread(target=worker)
        register_thread(thread)
        thread.start()
        thread.join(TIMEOUT)

    run = run_app(app)
    run.join()
    assert seen == [run.session, run.session]
    assert run.page.texts() == ["from worker"]


def test_on_done_is_called_after_the_app() -> None:
    finished = threading.Event()
    transport = MemoryTransport()
    session = ThreadSession(lambda: put_text("x"), transport, on_done=lambda s: finished.set())
    session.start()
    assert finished.wait(TIMEOUT)
    assert transport.commands("output")[0]["spec"]["content"] == "x"
    session.close()


# ------------------------------------------------------------------ coroutine


class _AsyncWatcher:
    """Lets a coroutine wait for delivered commands (deliveries happen on the loop)."""

    def __init__(self) -> None:
        self.changed = asyncio.Event()
        self.transport = MemoryTransport(on_batch=lambda root, batch: self.changed.set())

    async def wait_command(self, name: str, count: int = 1) -> Command:
        async def wait() -> Command:
            while True:
                found = self.transport.commands(name)
                if len(found) >= count:
                    return found[count - 1]
                self.changed.clear()
                await self.changed.wait()

        return await asyncio.wait_for(wait(), TIMEOUT)


def test_coroutine_session_input_round_trip_and_async_callback() -> None:
    results: dict[str, Any] = {}

    async def on_click(value: str) -> None:
        results["callback_session"] = get_current_session()
        await asyncio.sleep(0)
        put_text(f"clicked {value}")

    async def app() -> None:
        name = await input("Name")
        with use_scope("greeting"):
            put_text(f"Hello {name}")
        put_buttons(["a", "b"], onclick=on_click)
        results["width"] = await eval_js("window.innerWidth")

    async def main() -> None:
        watcher = _AsyncWatcher()
        session = CoroutineSession(app, watcher.transport, loop=asyncio.get_running_loop())
        session.start()
        form = await watcher.wait_command("input_group")
        session.dispatch(
            {"event": "from_submit", "task_id": form["task_id"], "data": {"data": "Ann"}}
        )
        script = await watcher.wait_command("run_script")
        session.dispatch({"event": "js_yield", "task_id": script["task_id"], "data": 1280})
        assert session.task is not None
        await asyncio.wait_for(session.task, TIMEOUT)
        buttons = [
            c for c in watcher.transport.commands("output") if c["spec"]["type"] == "buttons"
        ]
        session.dispatch(
            {"event": "callback", "task_id": buttons[0]["spec"]["callback_id"], "data": 1}
        )
        clicked = await watcher.wait_command("output", 3)
        results["clicked"] = clicked["spec"]["content"]
        results["session"] = session
        results["greeting"] = session.page.scope("greeting").texts()  # type: ignore[union-attr]
        assert watcher.transport.commands("destroy_form")[0]["task_id"] == form["task_id"]
        session.close()

    asyncio.run(main())
    assert results["greeting"] == ["Hello Ann"]
    assert results["width"] == 1280
    assert results["clicked"] == "clicked b"
    assert results["callback_session"] is results["session"]


def test_coroutine_session_close_wakes_await() -> None:
    outcome: list[str] = []

    async def app() -> None:
        try:
            await input("never")
        except SessionClosedException:
            outcome.append("closed")
            raise

    async def main() -> None:
        watcher = _AsyncWatcher()
        session = CoroutineSession(app, watcher.transport, loop=asyncio.get_running_loop())
        session.start()
        await watcher.wait_command("input_group")
        session.close()
        assert session.task is not None
        await asyncio.wait_for(session.task, TIMEOUT)

    asyncio.run(main())
    assert outcome == ["closed"]
