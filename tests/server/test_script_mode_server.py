"""Script mode: the API called in a plain ``python app.py``, no server, no kernel.

Each test runs a small script in its own process with a fake ``BROWSER``
command that prints the URL it was asked to open (into the script's output,
which it inherits). The test then plays the browser's page over the protocol:
it answers the ``input()``, sees the output and the script exit with code 0.
"""

from __future__ import annotations

import pathlib
import types

from _script_server import STARTUP_TIMEOUT, ScriptProcess, fake_browser, script_env
from _wsclient import Client, run, text_of

GREETER = """\
import threading

from pywebio_nb.input import input
from pywebio_nb.output import put_text

name = input("Your name")
put_text("Hello, " + name)

def worker():
    # Any thread of the script finds the page, with no register_thread().
    put_text("from a thread")

thread = threading.Thread(target=worker)
thread.start()
thread.join()
print("SCRIPT-DONE", flush=True)
"""

BUTTONS = """\
from pywebio_nb.output import put_buttons, put_text

put_buttons(["ok"], onclick=lambda value: put_text("clicked " + value))
print("SCRIPT-DONE", flush=True)
"""

CLOSED_PAGE = """\
from pywebio_nb.exceptions import SessionException
from pywebio_nb.input import input
from pywebio_nb.output import put_text

try:
    input("Never answered")
except SessionException as exc:
    print("RAISED", type(exc).__name__, flush=True)
try:
    put_text("after").show()
except SessionException as exc:
    print("RAISED AGAIN", type(exc).__name__, flush=True)
"""

SERVER_THEN_API = """\
from pywebio_nb.exceptions import SessionNotFoundException
from pywebio_nb.platform._server import process_mode
from pywebio_nb.session import run_js

process_mode.claim("server")  # what start_server does first
try:
    run_js("1")
except SessionNotFoundException:
    print("NOT-FOUND", flush=True)
"""


SCRIPT_THEN_SERVER = """\
from pywebio_nb import start_server
from pywebio_nb.platform._server import process_mode

process_mode.claim("script")  # what the first API call of a script does
try:
    start_server(lambda: None, port=0, host="127.0.0.1")
except RuntimeError as exc:
    print("REFUSED", exc, flush=True)
"""


def _script(tmp_path: pathlib.Path, source: str) -> ScriptProcess:
    """``source`` run as a user would, with a browser that only prints its URL."""
    script = tmp_path / "app.py"
    script.write_text(source)
    return ScriptProcess(script, env=script_env(BROWSER=str(fake_browser(tmp_path))))


def _opened_port(script: ScriptProcess) -> int:
    line = script.wait_for("FAKE-BROWSER-OPENED").strip()
    url = line.split()[1]
    assert url.startswith("http://127.0.0.1:"), line
    return int(url.rsplit(":", 1)[1].rstrip("/"))


def test_the_script_runs_in_the_page_it_opened(tmp_path: pathlib.Path) -> None:
    script = _script(tmp_path, GREETER)
    try:
        port = _opened_port(script)

        async def body() -> None:
            client = await Client.connect(types.SimpleNamespace(port=port))  # type: ignore[arg-type]
            form = await client.until("input_group")
            assert form["spec"]["inputs"][0]["label"] == "Your name"
            await client.submit(form, "Ada")
            assert text_of(await client.until("output")) == "Hello, Ada"
            assert text_of(await client.until("output")) == "from a thread"
            # The script ended: the page gets close_session, then the socket closes.
            await client.until("close_session")
            await client.closed()

        run(body())
        assert script.proc.wait(timeout=STARTUP_TIMEOUT) == 0
        script.wait_for("SCRIPT-DONE")
    finally:
        script.stop()


def test_a_page_with_callbacks_stays_until_it_closes(tmp_path: pathlib.Path) -> None:
    script = _script(tmp_path, BUTTONS)
    try:
        port = _opened_port(script)

        async def body() -> None:
            client = await Client.connect(types.SimpleNamespace(port=port))  # type: ignore[arg-type]
            buttons = await client.until("output", lambda c: c["spec"]["type"] == "buttons")
            # The script's last line ran, yet its button still answers.
            script.wait_for("SCRIPT-DONE")
            await client.send("callback", buttons["spec"]["callback_id"], 0)
            assert text_of(await client.until("output")) == "clicked ok"
            assert script.proc.poll() is None
            client.conn.close(1001)  # the user closes the tab: now the script exits
            await client.closed()

        run(body())
        assert script.proc.wait(timeout=STARTUP_TIMEOUT) == 0
    finally:
        script.stop()


def test_closing_the_page_first_makes_later_calls_raise(tmp_path: pathlib.Path) -> None:
    script = _script(tmp_path, CLOSED_PAGE)
    try:
        port = _opened_port(script)

        async def body() -> None:
            client = await Client.connect(types.SimpleNamespace(port=port))  # type: ignore[arg-type]
            await client.until("input_group")
            client.conn.close(1001)  # the user closes the tab during input()
            await client.closed()

        run(body())
        assert script.wait_for("RAISED").split() == [
            "RAISED",
            "SessionClosedException",
        ]
        assert script.wait_for("RAISED AGAIN").split()[-1] == ("SessionClosedException")
        assert script.proc.wait(timeout=STARTUP_TIMEOUT) == 0
    finally:
        script.stop()


def test_no_script_mode_once_a_server_was_started(tmp_path: pathlib.Path) -> None:
    script = _script(tmp_path, SERVER_THEN_API)
    try:
        script.wait_for("NOT-FOUND")
        assert script.proc.wait(timeout=STARTUP_TIMEOUT) == 0
        assert not any("FAKE-BROWSER-OPENED" in line for line in script.seen)
    finally:
        script.stop()


def test_start_server_after_script_mode_is_refused(tmp_path: pathlib.Path) -> None:
    script = _script(tmp_path, SCRIPT_THEN_SERVER)
    try:
        refused = script.wait_for("REFUSED")
        assert "script mode" in refused, refused
        assert script.proc.wait(timeout=STARTUP_TIMEOUT) == 0
    finally:
        script.stop()
