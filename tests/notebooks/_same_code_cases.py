"""Every manual example of the shared registries as one piece of app code: ``main``.

Each :class:`Case` is the text of a module defining ``main`` (``def`` or ``async
def``) and a drive that plays the browser through a :class:`Browser` (the
session examples' protocol: wait for a command, send an event, read a blob).
The server runs the text as an app; the notebook runs it in a cell followed by
``main()`` or ``await main()``. Nothing here knows which mode it runs in.

The registries: tests/_input_examples.py (each call as a thread and a coroutine
app), tests/_session_examples.py (the kinds each example ``runs`` on a server),
tests/_output_examples.py (its functions, by their source text) and the pin
examples of tests/server/test_pin_server.py (likewise).
"""

from __future__ import annotations

import inspect
import pathlib
import re
import sys
import textwrap
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from tests import _input_examples, _output_examples, _session_examples
from tests._session_examples import Browser

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "server"))
import test_output_content_server
import test_output_layout_server
import test_output_media_server
import test_pin_server

#: What every case has in scope (a cell before the first case; the app's module).
PRELUDE = (
    _input_examples.PRELUDE
    + _session_examples.PRELUDE
    + "from pywebio_nb.pin import *\nfrom pywebio_nb.output import *\n"
    + "from pywebio_nb.session import *\nfrom typing import Any\n"
)

Drive = Callable[[Browser], Awaitable[None]]


@dataclass
class Case:
    id: str
    #: Python text defining ``main``.
    source: str
    is_async: bool
    drive: Drive | None = None
    #: The error a notebook cell raises instead (server-only features), as
    #: (exception name, a part of its message); the server still runs the case.
    notebook_error: tuple[str, str] | None = None
    #: Drop an output text equal to the previous output text: the counter drives
    #: click "Show" again until an "Add" that ran concurrently (thread pool) shows.
    dedupe_repeats: bool = False
    #: Commands whose order the manual leaves open (callbacks on a pool, init_run):
    #: compared as multisets.
    unordered: bool = False
    #: The server's (normalised) commands -> what a notebook must send instead, for a
    #: documented difference (set_env's page-wide keys, ``info``'s browser).
    notebook_expect: Callable[[list[Any]], list[Any]] | None = None
    #: The drive in a notebook, when what the browser sees differs by design.
    notebook_drive: Drive | None = None
    #: Why this case is expected to differ (``pytest.mark.xfail(strict=True)``).
    xfail: str = ""

    @property
    def cell(self) -> str:
        return f"{self.source}\n{'await main()' if self.is_async else 'main()'}\n"


def _as_main(func: Callable[..., Any]) -> str:
    """The source text of ``func`` with its name changed to ``main``."""
    text = textwrap.dedent(inspect.getsource(func))
    return re.sub(rf"\bdef {func.__name__}\(", "def main(", text, count=1)


# ------------------------------------------------------------------------- inputs
def _input_drive(example: _input_examples.Example) -> Drive:
    async def drive(browser: Browser) -> None:
        await _input_examples.drive(example, browser.send, lambda name: browser.wait(name))
        # the app shows the result: the end of the case (an action's callback keeps
        # a server session open after main returns)
        shown = repr(example.result)
        await browser.wait("output", lambda c: c["spec"].get("content") == shown)

    return drive


def _input_cases() -> list[Case]:
    cases = []
    for e in _input_examples.EXAMPLES:
        cases.append(
            Case(
                f"input-{e.id}-def",
                f"def main():\n    put_text(repr({e.source}))\n",
                False,
                _input_drive(e),
            )
        )
        cases.append(
            Case(
                f"input-{e.id}-async",
                f"async def main():\n    put_text(repr(await {e.source}))\n",
                True,
                _input_drive(e),
            )
        )
    return cases


# ------------------------------------------------------------------------ session
def _session_cases() -> list[Case]:
    cases = []
    for e in _session_examples.EXAMPLES:
        for kind in ("thread", "coroutine"):
            if kind not in e.runs:
                continue
            source = _session_examples.app_source(e, kind).replace("def app():", "def main():", 1)
            case = Case(
                f"session-{e.id}-{'def' if kind == 'thread' else 'async'}",
                source,
                kind == "coroutine",
                e.browser,
                dedupe_repeats=e.id.startswith("local-counter"),
            )
            if e.id == "set_env":
                case.notebook_expect = _without_title
            elif e.id == "info":
                case.notebook_expect = _notebook_info
                case.notebook_drive = _code_shown
            cases.append(case)
    return cases


def _without_title(commands: list[Any]) -> list[Any]:
    """set_env(title=...) is page-wide: a notebook drops it (and warns)."""
    out = []
    for c in commands:
        if c["command"] == "set_env":
            c = {**c, "spec": {k: v for k, v in c["spec"].items() if k != "title"}}
        out.append(c)
    return out


#: What ``info`` says in a notebook where the server says the request's values: the
#: browser showing the notebook (the scripted frontend's handshake, see
#: test_same_code_both_modes.NOTEBOOK_BROWSER), no IP and no request.
NOTEBOOK_INFO = {
    "user_language": "en-US",
    "server_host": "127.0.0.1:8888",
    "origin": "http://127.0.0.1:8888",
    "user_ip": "",
    "backend": "jupyter",
    "protocol": "comm",
    "request": "None",
}


async def _code_shown(browser: Browser) -> None:
    await browser.wait("output", lambda c: c["spec"].get("type") == "code")


def _notebook_info(commands: list[Any]) -> list[Any]:
    import json

    out = []
    for c in commands:
        if c["command"] == "output" and c["spec"].get("type") == "code":
            shown = json.loads(c["spec"]["content"])
            assert set(NOTEBOOK_INFO) < set(shown), shown  # user_agent is the same
            shown.update(NOTEBOOK_INFO)
            c = {**c, "spec": {**c["spec"], "content": json.dumps(shown, indent=4)}}
        out.append(c)
    return out


# ------------------------------------------------------------------------- output
class _AsClient:
    """The protocol client's few calls the pin drives make, on a :class:`Browser`."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser

    async def until(
        self, name: str, predicate: Callable[[dict[str, Any]], bool] = lambda c: True
    ) -> dict[str, Any]:
        return await self.browser.wait(name, predicate)

    async def send(self, event: str, task_id: str | None, data: Any) -> None:
        await self.browser.send(event, task_id, data)


def _pin_drive(client_script: Callable[[Any], Awaitable[None]]) -> Drive:
    async def drive(browser: Browser) -> None:
        await client_script(_AsClient(browser))

    return drive


async def _table_shown(browser: Browser) -> None:
    await browser.wait("output", lambda c: c["spec"].get("type") == "table")


#: Output examples the browser does something in (or whose end is an output: the
#: session of an app with live buttons stays open, as in PyWebIO).
_DRIVES: dict[str, Drive] = {
    "pin_wait_change_sum": _pin_drive(test_pin_server.wait_client),
    "table_put_cells": _table_shown,
}


async def _previewer(browser: Browser) -> None:
    """The server test's previewer drive, one keystroke per preview (its burst of
    three may coalesce differently from run to run)."""
    await browser.wait("output", lambda c: "'name': 'control'" in repr(c["spec"]))
    for typed in ("#", "# T", "# Title"):
        await browser.send("pin_change", None, {"name": "md_text", "value": typed})
        await browser.wait("output", lambda c, t=typed: c["spec"].get("content") == t)
    await browser.send("pin_change", None, {"name": "control", "value": 0})
    await browser.wait("output", lambda c: c["spec"].get("content") == "stopped by 'stop'")


def _output_cases() -> list[Case]:
    cases = []
    for name in (
        "table_span",
        "table_put_cells",
        "position",
        "use_scope_clear",
        "put_scope_in_table",
        "row_column",
        "grid",
        "pin_wait_change_sum",
    ):
        func = getattr(_output_examples, name)
        drive = _DRIVES.get(name)
        cases.append(Case(f"output-{name}", _as_main(func), False, drive))
    for module in (test_output_content_server, test_output_layout_server):
        for name, app, *_ in module.EXAMPLES:
            slug = re.sub(r"\W+", "_", name).strip("_")
            is_async = inspect.iscoroutinefunction(app)
            source = _as_main(app)
            if "examples." in source:
                continue  # calls the shared registry's functions: covered above
            case = Case(f"output-{module.__name__[5:-7]}-{slug}", source, is_async, None)
            if re.search(r"put_link\([^)]*\bapp=", case.source, re.DOTALL):
                case.notebook_error = ("SessionException", "multi-app navigation is server-only")
            cases.append(case)
    # The media examples (their bytes travel as blobs: binary frames / comm buffers).
    for name in ("_manual_image", "_manual_file", "_guide_file", "_table_file", "_async_image"):
        app = getattr(test_output_media_server, name)
        source = f"IMAGE = {test_output_media_server.IMAGE!r}\n" + _as_main(app)
        is_async = inspect.iscoroutinefunction(app)
        cases.append(Case(f"output-media-{name.strip('_')}", source, is_async, None))
    for name, thread_app, coro_app, client_script in test_pin_server.EXAMPLES:
        slug = name.replace(" ", "_").replace("+", "plus")
        for app in (thread_app, coro_app):
            if app is _output_examples.pin_wait_change_sum:
                continue  # above
            is_async = inspect.iscoroutinefunction(app)
            drive = _previewer if name == "markdown previewer" else _pin_drive(client_script)
            cases.append(
                Case(
                    f"pin-{slug}-{'async' if is_async else 'def'}",
                    _as_main(app),
                    is_async,
                    drive,
                    unordered=name == "pin_on_change",
                )
            )
    return cases


# --------------------------------------------------------------------- navigation
NAVIGATION_ERROR = "multi-app navigation is server-only"


def _navigation_cases() -> list[Case]:
    async def link_shown(browser: Browser) -> None:
        await browser.wait("output", lambda c: c["spec"].get("type") == "link")

    async def script_run(browser: Browser) -> None:
        await browser.wait("run_script")

    error = ("SessionException", NAVIGATION_ERROR)
    return [
        Case(
            "navigation-put_link-app",
            "def main():\n    put_link('Other app', app='other')\n",
            False,
            link_shown,
            notebook_error=error,
        ),
        Case(
            "navigation-go_app",
            "def main():\n    go_app('other', new_window=False)\n",
            False,
            script_run,
            notebook_error=error,
        ),
    ]


CASES: list[Case] = _input_cases() + _output_cases() + _session_cases() + _navigation_cases()
