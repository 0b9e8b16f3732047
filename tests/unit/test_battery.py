"""pywebio_nb.battery against the in-memory session: the manual's pywebio_battery chapter.

The browser is played by hand: ``pin_change`` events for the dialogs' buttons
and widgets, ``js_yield`` answers to ``eval_js``, ``from_submit`` for forms.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from _apprun import TIMEOUT, AppRun

from pywebio_nb.battery import (
    basic_auth,
    confirm,
    custom_auth,
    get_all_query,
    get_cookie,
    get_localstorage,
    get_query,
    logbox_append,
    logbox_clear,
    login,
    popup_input,
    put_logbox,
    redirect_stdout,
    revoke_auth,
    run_shell,
    set_cookie,
    set_localstorage,
)
from pywebio_nb.output import put_text
from pywebio_nb.pin import put_input, put_select
from pywebio_nb.protocol import Command
from pywebio_nb.session import register_thread
from pywebio_nb.session._coroutine import CoroutineSession
from pywebio_nb.session._memory import MemoryTransport


def change(run: AppRun, name: str, value: Any) -> None:
    run.send("pin_change", None, {"name": name, "value": value})


def actions_name(popup: Command) -> str:
    """The name of the put_actions widget a dialog's popup holds (its last item)."""
    item = popup["spec"]["content"][-1]
    assert item["type"] == "pin" and item["input"]["type"] == "actions", item
    return str(item["input"]["name"])


def texts(run: AppRun) -> list[str]:
    return [c["spec"]["content"] for c in run.commands("output") if c["spec"]["type"] == "text"]


def answer_js(run: AppRun, value: Any, count: int = 1) -> Command:
    """Answer the ``count``-th ``eval_js`` request with ``value``; returns the request."""
    ask = run.wait_command("run_script", count, where=lambda c: bool(c["spec"].get("eval")))
    run.send("js_yield", ask["task_id"], value)
    return ask


# ------------------------------------------------------------------ confirm
@pytest.mark.parametrize(("button", "expected"), [(0, True), (1, False)])
def test_confirm_returns_the_button_clicked_and_closes(
    run_app: Any, button: int, expected: bool
) -> None:
    run = run_app(lambda: confirm("Delete File", "Are you sure to delete this file?"))
    popup = run.wait_command("popup")
    assert popup["spec"]["title"] == "Delete File"
    assert popup["spec"]["closable"] is False
    content = popup["spec"]["content"]
    assert content[0] == {"type": "text", "content": "Are you sure to delete this file?"}
    labels = [b["label"] for b in content[-1]["input"]["buttons"]]
    assert labels == ["CONFIRM", "CANCEL"]
    change(run, actions_name(popup), button)
    assert run.join() is expected
    assert run.commands("close_popup")


def test_confirm_times_out_with_none_and_closes(run_app: Any) -> None:
    run = run_app(lambda: confirm("Sure?", [put_text("a"), "b"], timeout=0.05))
    assert run.join() is None
    assert run.commands("close_popup")
    assert [c["content"] for c in run.wait_command("popup")["spec"]["content"][:2]] == ["a", "b"]


def test_two_dialogs_use_different_widget_names(run_app: Any) -> None:
    def app() -> Any:
        return confirm("one"), confirm("two")

    run = run_app(app)
    first = actions_name(run.wait_command("popup"))
    change(run, first, 1)
    second = actions_name(run.wait_command("popup", 2))
    assert first != second
    change(run, second, 0)
    assert run.join() == (False, True)


# -------------------------------------------------------------- popup_input
def test_popup_input_returns_the_form_values(run_app: Any) -> None:
    def app() -> Any:
        return popup_input(
            [
                put_input("username", label="Username"),
                put_input("password", type="password", label="Password"),
                put_text("not a widget"),
            ],
            "Login",
        )

    run = run_app(app)
    popup = run.wait_command("popup")
    assert popup["spec"]["title"] == "Login"
    assert [b["label"] for b in popup["spec"]["content"][-1]["input"]["buttons"]] == ["Submit"]
    change(run, "username", "alice")
    change(run, "password", "secret")
    change(run, actions_name(popup), 0)
    assert run.join() == {"username": "alice", "password": "secret"}
    assert run.commands("close_popup")


def test_popup_input_validates_until_the_form_is_fine(run_app: Any) -> None:
    def check(form: dict[str, Any]) -> Any:
        if len(form["password"] or "") < 6:
            return "password", "password length must greater than 6"
        return None

    run = run_app(lambda: popup_input([put_input("password")], validate=check, popup_size="large"))
    popup = run.wait_command("popup")
    assert popup["spec"]["size"] == "large"
    action = actions_name(popup)
    change(run, "password", "abc")
    change(run, action, 0)
    marked = run.wait_command("pin_update", where=lambda c: c["spec"]["name"] == "password")
    assert marked["spec"]["attributes"] == {
        "valid_status": False,
        "invalid_feedback": "password length must greater than 6",
    }
    assert not run.commands("close_popup")  # still open
    change(run, "password", "abcdefg")
    change(run, action, 0)
    assert run.join() == {"password": "abcdefg"}
    cleared = run.commands("pin_update")[-1]
    assert cleared["spec"] == {"name": "password", "attributes": {"valid_status": 0}}


def test_popup_input_cancel_returns_none(run_app: Any) -> None:
    run = run_app(lambda: popup_input(put_select("s", options=["x", "y"]), cancelable=True))
    popup = run.wait_command("popup")
    labels = [b["label"] for b in popup["spec"]["content"][-1]["input"]["buttons"]]
    assert labels == ["Submit", "Cancel"]
    change(run, actions_name(popup), 1)
    assert run.join() is None


def test_popup_input_bad_validate_result_says_what_is_expected(run_app: Any) -> None:
    run = run_app(lambda: popup_input([put_input("a")], validate=lambda form: "bad"))
    change(run, actions_name(run.wait_command("popup")), 0)
    with pytest.raises(ValueError, match=r"\(pin name, error message\)"):
        run.join()


def test_coroutine_session_awaits_confirm_and_popup_input() -> None:
    results: list[Any] = []
    loop = asyncio.new_event_loop()
    transport = MemoryTransport()

    async def app() -> None:
        results.append(await confirm("sure?"))
        results.append(await popup_input([put_input("a", value="1")]))

    session = CoroutineSession(app, transport, loop=loop)

    def popup(count: int) -> Command:
        def found(commands: list[Command]) -> Any:
            popups = [c for c in commands if c["command"] == "popup"]
            return popups[count - 1] if len(popups) >= count else None

        result: Command = transport.wait_for(found)
        return result

    def click(name: str) -> None:
        data = {"name": name, "value": 0}
        session.dispatch({"event": "pin_change", "task_id": None, "data": data})

    async def drive() -> None:
        session.start()
        first = await asyncio.to_thread(popup, 1)
        click(actions_name(first))
        second = await asyncio.to_thread(popup, 2)
        click(actions_name(second))
        assert session.task is not None
        await asyncio.wait_for(session.task, TIMEOUT)

    try:
        loop.run_until_complete(drive())
    finally:
        session.close()
        loop.close()
    assert results == [True, {"a": "1"}]


# ----------------------------------------------------------- redirect_stdout
def test_redirect_stdout_puts_prints_inline_and_restores(run_app: Any) -> None:
    before_stdout, before_start = sys.stdout, threading.Thread.start

    def app() -> None:
        with redirect_stdout():
            print("Hello world.")
        print("not redirected", file=io.StringIO())

    run_app(app).join()
    assert sys.stdout is before_stdout
    assert threading.Thread.start is before_start


def test_redirect_stdout_outputs_the_printed_text(run_app: Any) -> None:
    def app() -> None:
        with redirect_stdout():
            print("Hello", "world.")

    run = run_app(app)
    run.join()
    outputs = [c["spec"] for c in run.commands("output")]
    # Each write of print() is one inline text, as PyWebIO's battery does.
    assert "".join(o["content"] for o in outputs) == "Hello world.\n"
    assert all(o["type"] == "text" and o["inline"] for o in outputs)


def test_redirect_stdout_captures_threads_started_inside(run_app: Any) -> None:
    def app() -> None:
        with redirect_stdout(lambda text: put_text(text.strip()) if text.strip() else None):
            worker = threading.Thread(target=lambda: print("from a thread"))
            worker.start()
            worker.join(TIMEOUT)
            print("from the app")

    run = run_app(app)
    run.join()
    assert texts(run) == ["from a thread", "from the app"]


def test_redirect_stdout_leaves_other_threads_and_sessions_alone(
    run_app: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    entered, done = threading.Event(), threading.Event()

    def noisy() -> None:  # a thread started before (outside) the block
        assert entered.wait(TIMEOUT)
        print("outside")
        done.set()

    outsider = threading.Thread(target=noisy)
    outsider.start()

    def app(tag: str) -> Any:
        def run() -> None:
            with redirect_stdout(lambda text: put_text(text.strip()) if text.strip() else None):
                entered.set()
                print(tag)
                assert done.wait(TIMEOUT)
                print(tag + "2")

        return run

    first, second = run_app(app("a")), run_app(app("b"))
    first.join()
    second.join()
    outsider.join(TIMEOUT)
    assert texts(first) == ["a", "a2"]
    assert texts(second) == ["b", "b2"]
    assert "outside" in capsys.readouterr().out


def test_redirect_stdout_from_a_registered_thread_writes_into_its_session(run_app: Any) -> None:
    def app() -> None:
        def work() -> None:
            with redirect_stdout():
                print("hi", end="")

        thread = threading.Thread(target=work)
        register_thread(thread)
        thread.start()
        thread.join(TIMEOUT)

    run = run_app(app)
    run.join()
    assert texts(run) == ["hi"]


# ------------------------------------------------------------------ run_shell
PY = sys.executable


def test_run_shell_streams_the_output_and_returns_the_exit_code(run_app: Any) -> None:
    code = "import sys; print('out'); print('err', file=sys.stderr); sys.exit(3)"
    chunks: list[str] = []

    def app() -> int:
        return run_shell([PY, "-c", code], output_func=chunks.append)

    assert run_app(app).join() == 3
    assert "".join(chunks).splitlines() == ["out", "err"]


def test_run_shell_default_output_is_inline_text(run_app: Any) -> None:
    run = run_app(lambda: run_shell([PY, "-c", "print('hello')"]))
    assert run.join() == 0
    outputs = [(c["spec"]["content"], c["spec"].get("inline")) for c in run.commands("output")]
    assert outputs == [("hello\n", True)]  # whole lines, even when written in two pieces


def test_run_shell_output_arrives_while_the_command_runs(run_app: Any, tmp_path: Path) -> None:
    fifo = tmp_path / "go"
    os.mkfifo(fifo)
    # A whole line, then an unfinished one (a prompt), then it blocks on the fifo.
    code = (
        f"print('first', flush=True); print('prompt>', end='', flush=True); "
        f"open({str(fifo)!r}).read(); print('second')"
    )
    prompt_seen = threading.Event()
    chunks: list[str] = []

    def output(text: str) -> None:
        chunks.append(text)
        if "prompt>" in text:
            prompt_seen.set()

    run = run_app(lambda: run_shell([PY, "-c", code], output_func=output))
    released = False
    try:
        # The command is blocked on the fifo: its output can only be here if it streamed.
        assert prompt_seen.wait(TIMEOUT)
        assert chunks == ["first\n", "prompt>"]
        with open(fifo, "w") as writer:
            writer.write("go")
        released = True
        assert run.join() == 0
        assert chunks == ["first\n", "prompt>", "second\n"]
    finally:
        if not released:  # a failed check must not leave the command waiting forever
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


def test_a_string_command_is_not_run_through_a_shell(run_app: Any) -> None:
    chunks: list[str] = []
    run = run_app(lambda: run_shell("echo $HOME 'a b' ; true", output_func=chunks.append))
    assert run.join() == 0
    assert "".join(chunks) == "$HOME a b ; true\n"


def test_shell_true_runs_through_the_shell(run_app: Any) -> None:
    chunks: list[str] = []
    run = run_app(lambda: run_shell("echo one | tr o 0", output_func=chunks.append, shell=True))
    assert run.join() == 0
    assert "".join(chunks) == "0ne\n"


def test_run_shell_kills_the_command_when_the_output_fails(run_app: Any) -> None:
    pids: list[int] = []
    code = "import os; print(os.getpid(), flush=True); import time; time.sleep(60)"

    def output(text: str) -> None:
        pids.append(int(text))
        raise RuntimeError("page gone")

    run = run_app(lambda: run_shell([PY, "-c", code], output_func=output))
    with pytest.raises(RuntimeError, match="page gone"):
        run.join()
    with pytest.raises(ProcessLookupError):  # killed and reaped
        os.kill(pids[0], 0)


def test_run_shell_decodes_split_multibyte_characters(run_app: Any) -> None:
    code = (
        "import sys, os; data = 'é€'.encode(); [os.write(1, data[i:i+1]) for i in range(len(data))]"
    )
    chunks: list[str] = []
    assert run_app(lambda: run_shell([PY, "-c", code], output_func=chunks.append)).join() == 0
    assert "".join(chunks) == "é€"


# -------------------------------------------------------------------- logbox
def test_put_logbox_outputs_a_named_box_in_a_scope_of_its_own(run_app: Any) -> None:
    run = run_app(lambda: put_logbox('l"<og>', height=200))
    run.join()
    spec = run.wait_command("output")["spec"]
    assert spec["type"] == "scope"
    box = spec["contents"][0]
    assert box["type"] == "html"
    assert 'data-logbox="l&quot;&lt;og&gt;"' in box["content"]
    assert "height:200px" in box["content"]
    assert 'data-keep-bottom="1"' in box["content"]


def test_keep_bottom_false_and_no_height(run_app: Any) -> None:
    run = run_app(lambda: put_logbox("x", height=0, keep_bottom=False))
    run.join()
    html = run.wait_command("output")["spec"]["contents"][0]["content"]
    assert "keep-bottom" not in html and "height" not in html


def test_logbox_append_and_clear_send_logbox_commands(run_app: Any) -> None:
    def app() -> None:
        put_logbox("log")
        logbox_append("log", "a\n")
        logbox_append("log", 42)  # type: ignore[arg-type]
        logbox_clear("log")

    run = run_app(app)
    run.join()
    assert [c["spec"] for c in run.commands("logbox")] == [
        {"name": "log", "text": "a\n"},
        {"name": "log", "text": "42"},
        {"name": "log", "text": "", "clear": True},
    ]


def test_ten_thousand_appends_all_arrive_in_order(run_app: Any) -> None:
    def app() -> None:
        put_logbox("log")
        for i in range(10_000):
            logbox_append("log", f"{i}\n")

    run = run_app(app)
    run.join()
    text = "".join(c["spec"]["text"] for c in run.commands("logbox"))
    assert text == "".join(f"{i}\n" for i in range(10_000))


def test_put_logbox_refuses_an_empty_name(run_app: Any) -> None:
    run = run_app(lambda: put_logbox(""))
    with pytest.raises(ValueError, match="non-empty string"):
        run.join()


# --------------------------------------------------------------- web related
def test_get_query_and_get_all_query_ask_the_page_url(run_app: Any) -> None:
    run = run_app(lambda: (get_query("a"), get_all_query()))
    first = answer_js(run, "1")
    assert "URLSearchParams(window.location.search)" in first["spec"]["code"]
    assert first["spec"]["args"] == {"name": "a"}
    answer_js(run, {"a": "1", "b": "2"}, 2)
    assert run.join() == ("1", {"a": "1", "b": "2"})


def test_query_is_server_only_in_a_notebook(run_app: Any) -> None:
    run = AppRun(lambda: (get_query("a"), get_all_query()))
    run.session.serves_apps = False  # what a notebook kernel's session says
    try:
        with pytest.warns(RuntimeWarning, match="server-only"):
            run.start()
            assert run.join() == (None, {})
    finally:
        run.session.close()
    assert not run.commands("run_script")


def test_localstorage_round_trip(run_app: Any) -> None:
    run = run_app(lambda: (set_localstorage("k", "v"), get_localstorage("k")))
    setter = run.wait_command("run_script")
    assert not setter["spec"].get("eval")
    assert setter["spec"]["args"] == {"key": "k", "value": "v"}
    assert "localStorage.setItem" in setter["spec"]["code"]
    getter = answer_js(run, "v")
    assert getter["spec"]["args"] == {"key": "k"}
    assert run.join() == (None, "v")


def test_cookie_round_trip_sends_days(run_app: Any) -> None:
    run = run_app(lambda: (set_cookie("k", "v; x", days=2), get_cookie("k")))
    setter = run.wait_command("run_script")
    assert setter["spec"]["args"] == {"key": "k", "value": "v; x", "days": 2}
    assert "document.cookie" in setter["spec"]["code"]
    getter = answer_js(run, "v; x")
    assert getter["spec"]["args"] == {"key": "k"}
    assert run.join() == (None, "v; x")


# ---------------------------------------------------------------------- login
SECRET = "test-secret-not-for-production"


def _token(run: AppRun) -> str:
    stored = [
        c["spec"]["args"]["value"]
        for c in run.commands("run_script")
        if "localStorage.setItem" in c["spec"]["code"]
    ]
    assert stored, "no token was saved"
    return str(stored[-1])


def test_login_asks_until_verified_then_remembers(run_app: Any) -> None:
    def app() -> str:
        return login(lambda user, pw: (user, pw) == ("admin", "123"), SECRET)

    run = run_app(app)
    answer_js(run, None)  # no token in the browser yet
    run.submit(run.wait_form(), {"username": "admin", "password": "bad"})
    toast = run.wait_command("toast")
    assert toast["spec"]["content"] == "Username or password is incorrect"
    run.submit(run.wait_form(2), {"username": "admin", "password": "123"})
    assert run.join() == "admin"
    token = _token(run)

    again = run_app(app)  # a later visit: the browser has the token
    answer_js(again, token)
    assert again.join() == "admin"
    assert not again.commands("input_group")


def test_a_forged_token_is_not_accepted(run_app: Any) -> None:
    run = run_app(lambda: custom_auth(lambda: "bob", SECRET))
    answer_js(run, "2|1:0|10:1700000000|18:pywebio_auth_token|8:YWRtaW4=|deadbeef")
    assert run.join() == "bob"  # asked login_func instead of trusting the token


def test_basic_auth_is_login_and_revoke_clears_the_token(run_app: Any) -> None:
    assert basic_auth is login
    run = run_app(lambda: revoke_auth())
    run.join()
    assert run.wait_command("run_script")["spec"]["args"] == {
        "key": "pywebio_auth_token",
        "value": "",
    }


def test_an_output_function_that_prints_does_not_recurse(
    run_app: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[str] = []

    def output(text: str) -> None:
        seen.append(text)
        print(f"debug: {text!r}")  # goes to the console, not back into output()

    def app() -> None:
        with redirect_stdout(output):
            print("x", end="")

    run_app(app).join()
    assert seen == ["x"]
    assert "debug: 'x'" in capsys.readouterr().out


def test_coroutine_session_awaits_basic_auth() -> None:
    loop = asyncio.new_event_loop()
    transport = MemoryTransport()
    results: list[Any] = []

    async def app() -> None:
        results.append(await basic_auth(lambda user, pw: pw == "1", SECRET))

    session = CoroutineSession(app, transport, loop=loop)

    def first(name: str) -> Command:
        found: Command = transport.wait_for(
            lambda cs: next((c for c in cs if c["command"] == name), None)
        )
        return found

    async def drive() -> None:
        session.start()
        ask = await asyncio.to_thread(first, "run_script")
        session.dispatch({"event": "js_yield", "task_id": ask["task_id"], "data": None})
        form = await asyncio.to_thread(first, "input_group")
        data = {"username": "ada", "password": "1"}
        session.dispatch({"event": "from_submit", "task_id": form["task_id"], "data": data})
        assert session.task is not None
        await asyncio.wait_for(session.task, TIMEOUT)

    try:
        loop.run_until_complete(drive())
    finally:
        session.close()
        loop.close()
    assert results == ["ada"]


def test_a_thread_start_wrapper_installed_later_is_left_in_place(run_app: Any) -> None:
    original = threading.Thread.start
    holder: list[Any] = []

    def app() -> None:
        with redirect_stdout():
            ours = threading.Thread.start

            def theirs(thread: threading.Thread) -> None:
                ours(thread)

            threading.Thread.start = theirs  # type: ignore[method-assign]
            holder.append(theirs)

    try:
        run_app(app).join()
        assert threading.Thread.start is holder[0]
    finally:
        threading.Thread.start = original  # type: ignore[method-assign]
