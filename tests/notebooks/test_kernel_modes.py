"""The same app code in a kernel as on the server: the modes issue 12 lists."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from _pin_frontend import change_pin
from kernel_driver import KernelDriver

from pywebio_nb.jupyter._wire import decode_batch


def run_ok(driver: KernelDriver, code: str) -> None:
    reply = driver.reply(driver.execute(code))
    assert reply["status"] == "ok", reply


def stream_text(driver: KernelDriver) -> str:
    return "".join(o["content"]["text"] for o in driver.outputs if o["msg_type"] == "stream")


def test_a_cell_that_raises_leaves_no_pump_traceback(driver: KernelDriver) -> None:
    """ipykernel 7 sends itself a one-part ``stop aborting`` frame after a cell error;
    the pump hands it back without taking it for a Jupyter message (no log)."""
    run_ok(
        driver,
        "from pywebio_nb.output import put_text\nput_text('session')",
    )
    driver.pump_until(lambda: driver.find("output"))
    for _ in range(2):
        failing = driver.reply(driver.execute("1 / 0"))
        assert failing["ename"] == "ZeroDivisionError"
        # ipykernel aborts requests that arrive right after an error: wait until one
        # runs, which on ipykernel 7 means the marker was read (it ends the aborting).
        statuses = []
        for _ in range(50):
            statuses.append(driver.reply(driver.execute("pass"))["status"])
            if statuses[-1] == "ok":
                break
        assert statuses[-1] == "ok", statuses
    # flushing stderr then printing: everything written before is on IOPub before 'end'
    run_ok(driver, "import sys\nsys.stderr.flush()\nprint('end', flush=True)")
    driver.pump_until(lambda: "end\n" in stream_text(driver))
    text = stream_text(driver)
    assert "pump could not read" not in text, text
    assert "DELIM" not in text, text


ASYNC_APP = """
import asyncio
from pywebio_nb.input import input, actions
from pywebio_nb.output import put_text
from pywebio_nb.pin import pin, put_input, pin_wait_change
from pywebio_nb.session import eval_js

async def main():
    put_input('p', value='v0')
    name = await input('name')
    put_text('hello ' + name)
    put_text('pin ' + await pin.p)
    put_text('js ' + str(await eval_js('1 + 1')))
    changed = await pin_wait_change('p')
    put_text('changed ' + changed['value'])
    choice = await actions('go?', ['yes', 'no'])
    await asyncio.sleep(0)
    put_text('chose ' + choice)
"""


def commands_named(driver: KernelDriver, name: str) -> list[tuple[str, dict[str, Any]]]:
    return [(cid, c) for cid, cs in driver.commands.items() for c in cs if c["command"] == name]


def nth(driver: KernelDriver, name: str, index: int) -> tuple[str, dict[str, Any]]:
    def found() -> tuple[str, dict[str, Any]] | None:
        matching = commands_named(driver, name)
        return matching[index] if len(matching) > index else None

    result: tuple[str, dict[str, Any]] = driver.pump_until(found)
    return result


def answer(driver: KernelDriver, comm_id: str, event: str, task_id: Any, data: Any) -> None:
    driver.send_event(comm_id, {"event": event, "task_id": task_id, "data": data})


def shown(driver: KernelDriver, text: str) -> None:
    driver.pump_until(
        lambda: any(c["spec"].get("content") == text for _, c in commands_named(driver, "output"))
    )


def test_an_async_app_awaited_in_a_cell(driver: KernelDriver) -> None:
    """``await main()``: input, pin read, eval_js, pin_wait_change and actions return
    awaitables to the coroutine; the same calls from a plain cell return values."""
    run_ok(driver, ASYNC_APP)
    cell = driver.execute("await main()")
    comm_id, form = nth(driver, "input_group", 0)
    answer(driver, comm_id, "from_submit", form["task_id"], {"data": "Ada"})
    shown(driver, "hello Ada")
    shown(driver, "pin v0")
    comm_id, script = nth(driver, "run_script", 0)
    answer(driver, comm_id, "js_yield", script["task_id"], 2)
    shown(driver, "js 2")
    change_pin(driver, "p", "v1")
    shown(driver, "changed v1")
    comm_id, form = nth(driver, "input_group", 1)
    answer(driver, comm_id, "from_submit", form["task_id"], {"data": 0})
    shown(driver, "chose yes")
    assert driver.reply(cell)["status"] == "ok"
    # the same functions in a plain cell: values, not awaitables
    plain = driver.execute("name = input('again')\nprint('plain', type(name).__name__, name)")
    comm_id, form = nth(driver, "input_group", 2)
    answer(driver, comm_id, "from_submit", form["task_id"], {"data": "Bob"})
    assert driver.reply(plain)["status"] == "ok"
    driver.pump_until(lambda: "plain str Bob\n" in stream_text(driver))


def test_an_awaited_input_is_interruptible(driver: KernelDriver) -> None:
    run_ok(driver, ASYNC_APP)
    cell = driver.execute("await main()")
    nth(driver, "input_group", 0)
    driver.km.interrupt_kernel()
    reply = driver.reply(cell)
    assert (reply["status"], reply.get("ename")) == ("error", "KeyboardInterrupt")
    driver.pump_until(lambda: commands_named(driver, "destroy_form"))


FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
BROWSER = {"user_agent": FIREFOX, "language": "de-DE", "origin": "http://127.0.0.1:8888"}


class BrowserDriver(KernelDriver):
    """Answers pings as the renderer does: with the browser's description, or not at all."""

    browser: dict[str, str] | None = BROWSER

    def _handle(self, msg: dict[str, Any]) -> None:
        content = msg["content"]
        if msg["msg_type"] == "comm_msg" and content["data"].get("method") == "custom":
            comm_id = content["comm_id"]
            for command in decode_batch(content["data"]["content"]).commands:
                self.commands.setdefault(comm_id, []).append(command)
                if command["command"] == "ping" and self.browser is not None:
                    data = {"id": command["spec"]["id"], **self.browser}
                    self.send_event(comm_id, {"event": "pong", "task_id": None, "data": data})
            return
        super()._handle(msg)


@pytest.fixture(params=["python3", "ipykernel6"])
def browser_driver(request: pytest.FixtureRequest) -> Iterator[BrowserDriver]:
    name = request.getfixturevalue("ipykernel6") if request.param == "ipykernel6" else "python3"
    d = BrowserDriver(name)
    try:
        yield d
    finally:
        d.close()


INFO_CELL = """
from pywebio_nb.session import info
print('info', info.user_agent.browser.family, info.user_agent.is_mobile, info.user_language,
      info.origin, info['server_host'], info.backend, info.protocol, repr(info.user_ip))
"""


def error_of(driver: KernelDriver, code: str) -> dict[str, Any]:
    """Run ``code`` (answering pings meanwhile) and return its error reply."""
    cell = driver.execute(code)
    driver.pump_until(lambda: any(o["msg_type"] == "error" for o in driver.outputs))
    reply = driver.reply(cell)
    assert reply["status"] == "error", reply
    return reply


def test_info_describes_the_browser_showing_the_notebook(browser_driver: BrowserDriver) -> None:
    cell = browser_driver.execute(INFO_CELL)
    expected = "info Firefox False de-DE http://127.0.0.1:8888 127.0.0.1:8888 jupyter comm ''\n"
    browser_driver.pump_until(lambda: expected in stream_text(browser_driver))
    assert browser_driver.reply(cell)["status"] == "ok"


def test_info_without_a_frontend_is_a_clear_error(browser_driver: BrowserDriver) -> None:
    browser_driver.browser = None
    run_ok(
        browser_driver,
        "from pywebio_nb.jupyter._kernel_session import KernelTransport\n"
        "KernelTransport.handshake_timeout = 0.5",
    )
    reply = error_of(browser_driver, INFO_CELL)
    assert reply["ename"] == "NoFrontendError", reply
    assert "no notebook frontend answered" in reply["evalue"]


def test_info_from_an_older_frontend_says_so(driver: KernelDriver) -> None:
    reply = error_of(driver, INFO_CELL)
    assert reply["ename"] == "NoFrontendError", reply
    assert "did not describe its browser" in reply["evalue"]


def test_register_thread_in_a_notebook(driver: KernelDriver) -> None:
    """It does not raise, and the registered thread outputs into the cell that started it."""
    run_ok(
        driver,
        "import threading\nfrom pywebio_nb.output import put_text\n"
        "from pywebio_nb.session import register_thread\n"
        "go = threading.Event()\n"
        "def later():\n    go.wait()\n    put_text('from the thread')\n"
        "t = threading.Thread(target=later)\nregister_thread(t)\nt.start()\n"
        "put_text('first cell')",
    )
    first_root, _ = nth(driver, "output", 0)
    run_ok(driver, "put_text('second cell')")
    second_root, _ = nth(driver, "output", 1)
    assert second_root != first_root
    run_ok(driver, "go.set()\nt.join()")
    shown(driver, "from the thread")
    (root,) = [
        cid
        for cid, c in commands_named(driver, "output")
        if c["spec"].get("content") == "from the thread"
    ]
    assert root == first_root


@pytest.mark.parametrize(
    "call", ["go_app('task_2')", "put_link('task 2', app='task_2')"], ids=["go_app", "put_link"]
)
def test_multi_app_navigation_in_a_cell_says_it_is_server_only(
    driver: KernelDriver, call: str
) -> None:
    reply = error_of(
        driver,
        f"from pywebio_nb.output import put_link\nfrom pywebio_nb.session import go_app\n{call}",
    )
    assert reply["ename"] == "SessionException", reply
    assert "multi-app navigation is server-only" in reply["evalue"]
