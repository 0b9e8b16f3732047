"""pywebio_nb.session in a real kernel (ipykernel 7 and 6.29): the manual's examples
that apply to a notebook, each in its own cell answered by a scripted frontend;
defer_call at kernel shutdown; set_env's server-only keys; run_async on the kernel's loop."""

from __future__ import annotations

import asyncio
import pathlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from _media_frontend import BlobDriver
from kernel_driver import KernelDriver

from tests._session_examples import EXAMPLES, PRELUDE, Example, app_source

KERNEL_EXAMPLES = [e for e in EXAMPLES if "kernel" in e.runs]


def _start(request: pytest.FixtureRequest, variant: str) -> BlobDriver:
    name = request.getfixturevalue("ipykernel6") if variant == "ipykernel6" else "python3"
    driver = BlobDriver(name)
    driver.variant = variant
    return driver


@pytest.fixture(scope="module", params=["python3", "ipykernel6"])
def kernel(request: pytest.FixtureRequest) -> Iterator[BlobDriver]:
    """One kernel per variant for the examples (each clears ``local`` first)."""
    driver = _start(request, request.param)
    try:
        ok(driver, PRELUDE)
        yield driver
    finally:
        driver.close()


def ok(driver: KernelDriver, code: str) -> None:
    reply = driver.reply(driver.execute(code))
    assert reply["status"] == "ok", reply


class _CellBrowser:
    """The commands of the roots opened by one cell, read in order; events go to them."""

    notebook = True

    def __init__(self, driver: BlobDriver) -> None:
        self.driver = driver
        self.before = set(driver.commands)
        self.seen: set[int] = set()
        self.comm_id = ""

    async def wait(
        self, name: str, where: Callable[[dict[str, Any]], bool] | None = None
    ) -> dict[str, Any]:
        def found() -> tuple[str, dict[str, Any]] | None:
            for comm_id, commands in list(self.driver.commands.items()):
                if comm_id in self.before:
                    continue
                for command in list(commands):
                    if id(command) in self.seen or command["command"] != name:
                        continue
                    if where is None or where(command):
                        return comm_id, command
            return None

        self.comm_id, command = self.driver.pump_until(found)
        self.seen.add(id(command))
        return command

    async def send(self, event: str, task_id: str | None, data: Any) -> None:
        self.driver.send_event(self.comm_id, {"event": event, "task_id": task_id, "data": data})

    def blob(self, blob_id: str) -> bytes:
        data = self.driver.chunks.complete(blob_id)
        assert data is not None, f"blob {blob_id} never came as comm buffers"
        return data


@pytest.mark.parametrize("example", KERNEL_EXAMPLES, ids=[e.id for e in KERNEL_EXAMPLES])
def test_manual_session_example_in_a_cell(kernel: BlobDriver, example: Example) -> None:
    ok(kernel, "local._dict.clear()")  # local is kernel-wide: start each example afresh
    browser = _CellBrowser(kernel)
    msg_id = kernel.execute(app_source(example, "kernel"))
    asyncio.run(example.browser(browser))
    reply = kernel.reply(msg_id)
    assert reply["status"] == "ok", reply


# ------------------------------------------------------------------ defer_call


@pytest.mark.parametrize("variant", ["python3", "ipykernel6"])
def test_defer_call_runs_at_kernel_shutdown_in_order(
    request: pytest.FixtureRequest, variant: str, tmp_path: pathlib.Path
) -> None:
    log = tmp_path / "deferred.txt"
    driver = _start(request, variant)
    try:
        ok(
            driver,
            "from pywebio_nb.session import defer_call\n"
            f"LOG = {str(log)!r}\n"
            "def note(what):\n    with open(LOG, 'a') as f:\n        f.write(what + '\\n')\n"
            "defer_call(lambda: note('first'))\n"
            "@defer_call\ndef second():\n    note('second')\n",
        )
        ok(driver, "defer_call(lambda: note('from a later cell'))")
        assert not log.exists()  # nothing runs while the kernel lives
        driver.km.shutdown_kernel(now=False)  # a shutdown_request, as Jupyter sends
    finally:
        driver.kc.stop_channels()
        if driver.km.is_alive():
            driver.km.shutdown_kernel(now=True)
    assert log.read_text() == "first\nsecond\nfrom a later cell\n"


# --------------------------------------------------------------------- set_env


def test_set_env_in_a_notebook_warns_for_page_keys_and_reaches_later_cells(
    kernel: BlobDriver,
) -> None:
    ok(kernel, "get_current_session().env.clear()  # earlier examples' keys")
    browser = _CellBrowser(kernel)
    ok(kernel, "set_env(output_max_width='500px')\nput_text('a')")
    msg_id = kernel.execute(
        "import warnings\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    set_env(title='App', auto_scroll_bottom=True)\n"
        "print('warned:', [str(w.message) for w in caught])\n"
        "put_text('b')"
    )
    reply = kernel.reply(msg_id)
    assert reply["status"] == "ok", reply
    sent, roots = [], []
    for _ in range(3):
        sent.append(asyncio.run(browser.wait("set_env")))
        roots.append(browser.comm_id)
    # Cell 1's root gets its set_env; cell 2's new root first gets what was set before
    # (set_env is kernel-wide), then its own key; the title is dropped with a warning.
    assert [c["spec"] for c in sent] == [
        {"output_max_width": "500px"},
        {"output_max_width": "500px"},
        {"auto_scroll_bottom": True},
    ]
    assert roots[0] != roots[1] == roots[2]
    kernel.pump_until(
        lambda: any(
            o["msg_type"] == "stream"
            and o["parent_header"]["msg_id"] == msg_id
            and "set_env(title) configures a server page" in o["content"]["text"]
            for o in kernel.outputs
        )
    )
    ok(kernel, "set_env(auto_scroll_bottom=False)")


def test_run_async_in_a_cell_runs_on_the_kernel_loop_and_writes_into_that_cell(
    kernel: BlobDriver,
) -> None:
    browser = _CellBrowser(kernel)
    ok(
        kernel,
        "import asyncio\n"
        "ticked = asyncio.Event()\n"
        "async def ticker(n):\n"
        "    for i in range(n):\n"
        "        put_text(f'tick {i}')\n"
        "        await asyncio.sleep(0)\n"
        "    ticked.set()\n"
        "    return n\n"
        "handle = run_async(ticker(3))\n"
        "put_text('cell ended')",
    )
    asyncio.run(browser.wait("output", lambda c: c["spec"].get("content") == "cell ended"))
    cell_root = browser.comm_id
    for i in range(3):  # the ticks come after the cell ended, into the same cell
        asyncio.run(browser.wait("output", lambda c, i=i: c["spec"].get("content") == f"tick {i}"))
        assert browser.comm_id == cell_root
    ok(kernel, "await asyncio.wait_for(ticked.wait(), 10)\nassert handle.closed()")
    # An error in the task is shown in its cell, not raised into a later one.
    browser = _CellBrowser(kernel)
    ok(kernel, "async def boom():\n    raise ValueError('task failed')\nrun_async(boom())")
    asyncio.run(
        browser.wait("output", lambda c: "ValueError: task failed" in str(c["spec"].get("content")))
    )
    # From another thread there is no kernel loop to run on: a clear error.
    reply = kernel.reply(
        kernel.execute(
            "import threading\nerrors = []\n"
            "def other():\n"
            "    try:\n        run_async(asyncio.sleep(0))\n"
            "    except RuntimeError as exc:\n        errors.append(str(exc))\n"
            "t = threading.Thread(target=other); t.start(); t.join()\n"
            "assert 'event loop' in errors[0], errors"
        )
    )
    assert reply["status"] == "ok", reply
