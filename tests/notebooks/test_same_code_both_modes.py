"""Same code, both modes (issue 12): every manual example of the shared registries
runs as ``main()`` / ``await main()`` in a notebook cell with the same command
sequence as under ``start_server``.

Each case (tests/notebooks/_same_code_cases.py) is the text of a module defining
``main``. The server side runs it as an app of one real server, a protocol client
playing the browser; the notebook side executes one notebook (a cell per case)
through nbclient in ONE kernel per ipykernel variant, a scripted frontend playing
the browser with the very same drive. The flat command lists must be equal once
normalised: ``set_session_id``/``close_session`` (server) and the ``ping``
handshake (notebook) dropped, random ids (tasks, callbacks, blobs, DOM ids)
replaced by their first-seen index, batch boundaries ignored. Multi-app navigation
is server-only: its cells must raise the error that says so.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import pathlib
import re
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "server"))
from _media_frontend import BlobChunks
from _same_code_cases import CASES, PRELUDE, Case
from _wsclient import Client

from pywebio_nb.jupyter._wire import decode_batch
from pywebio_nb.platform.tornado import _start_server_in_thread
from pywebio_nb.testing._runner import _client_class
from tests._session_examples import USER_AGENT

#: Per case: how long a drive or a cell may take before the case counts as stuck.
CASE_TIMEOUT = 15.0
#: Commands only one transport has, by design.
SERVER_ONLY = {"set_session_id", "close_session"}
NOTEBOOK_ONLY = {"ping"}
#: A blob's chunks travel as binary frames on the server (outside the JSON batches)
#: and as ``blob`` commands with comm buffers in a notebook; the drives check the
#: bytes (``Browser.blob``), the command naming the blob is compared.
BLOB_FRAMING = {"blob"}
#: Spec keys holding ids that are random per session.
ID_KEYS = {"task_id", "callback_id", "dom_id", "container_dom_id", "blob", "id"}

#: What the scripted frontend's handshake says about its browser (``info``): the
#: server tests' User-Agent, so both modes describe the same browser.
NOTEBOOK_BROWSER = {
    "user_agent": USER_AGENT,
    "language": "en-US",
    "origin": "http://127.0.0.1:8888",
}

# Between cases, kernel-wide state a new server session would not have (all of it
# kernel-wide in a notebook by design): ``local``, set_env's keys, and named scopes
# (output to a scope an earlier cell shows goes to that cell: removed here, its
# ``remove`` reaches the earlier case's root, which nobody records any more).
RESET = """
from pywebio_nb.session import get_current_session as _g
local._dict.clear()
_g().env.clear()
for _name in [n for n in list(_g().page._named) if n != 'ROOT']:
    if _g().page.root_of(_name) is not None:
        remove(_name)
"""


# ------------------------------------------------------------------ normalising
def _is_code_module(command: dict[str, Any]) -> bool:
    """The widget's CodeMirror module, sent as a blob with the first code textarea (the
    server page bundles it; the widget bundle stays small and loads it once per root)."""
    spec = command.get("spec")
    return (
        command["command"] == "blob"
        and isinstance(spec, dict)
        and spec.get("mime") == "text/javascript"
    )


def _without_code_module(value: Any) -> Any:
    """``value`` without the ``code_module`` references to that blob."""
    if isinstance(value, dict):
        return {k: _without_code_module(v) for k, v in value.items() if k != "code_module"}
    if isinstance(value, list):
        return [_without_code_module(v) for v in value]
    return value


def normalise(commands: list[dict[str, Any]], dedupe: bool = False) -> list[Any]:
    """The commands with mode-only ones dropped and random ids numbered by first use."""
    kept = [
        _without_code_module(c)
        for c in commands
        if c["command"] not in SERVER_ONLY | NOTEBOOK_ONLY | BLOB_FRAMING and not _is_code_module(c)
    ]
    # set_processbar overwrites: a burst is coalesced into its last value, and how
    # much of a burst one flush holds depends on the transport's timing (a loop
    # turn on the server, a 16 ms timer in a kernel). Compare what a burst ends at.
    kept = [
        c
        for c, after in itertools.zip_longest(kept, kept[1:])
        if not (
            c["command"] == "set_processbar"
            and after is not None
            and after["command"] == "set_processbar"
            and after["spec"].get("name") == c["spec"].get("name")
        )
    ]
    ids: dict[str, str] = {}

    def collect(value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                collect(v, k)
        elif isinstance(value, list):
            for v in value:
                collect(v, key)
        elif isinstance(value, str) and key in ID_KEYS and value and value not in ids:
            ids[value] = f"<id{len(ids)}>"

    collect(kept)
    pattern = (
        re.compile("|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True)))
        if ids
        else None
    )

    def rewrite(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: rewrite(v) for k, v in value.items()}
        if isinstance(value, list):
            return [rewrite(v) for v in value]
        if isinstance(value, str) and pattern is not None:
            return pattern.sub(lambda m: ids[m.group(0)], value)
        return value

    out = [rewrite(c) for c in kept]
    if dedupe:
        texts = [c for c in out if c["command"] == "output" and c["spec"].get("type") == "text"]
        repeats = {id(b) for a, b in itertools.pairwise(texts) if a["spec"] == b["spec"]}
        out = [c for c in out if id(c) not in repeats]
    return out


def test_normalise_numbers_ids_by_first_use_and_drops_mode_only_commands() -> None:
    a = [
        {"command": "set_session_id", "task_id": None, "spec": "s1"},
        {"command": "output", "task_id": "t-9", "spec": {"scope": "#pywebio-scope-x7"}},
        {"command": "ping", "task_id": None, "spec": {"id": "p"}},
        {"command": "output_ctl", "task_id": "t-9", "spec": {"dom_id": "x7"}},
    ]
    assert normalise(a) == [
        {"command": "output", "task_id": "<id0>", "spec": {"scope": "#pywebio-scope-<id1>"}},
        {"command": "output_ctl", "task_id": "<id0>", "spec": {"dom_id": "<id1>"}},
    ]


# ---------------------------------------------------------------------- server
class ServerBrowser:
    """The protocol client as a drive's :class:`Browser` (next unseen match)."""

    notebook = False

    def __init__(self, client: Client) -> None:
        self.client = client
        self.seen: set[int] = set()

    async def wait(
        self, name: str, where: Callable[[dict[str, Any]], bool] | None = None
    ) -> dict[str, Any]:
        deadline = time.monotonic() + CASE_TIMEOUT
        while True:
            for command in self.client.received:
                if id(command) in self.seen or command["command"] != name:
                    continue
                if where is None or where(command):
                    self.seen.add(id(command))
                    return command
            if await self.client.frame(max(0.01, deadline - time.monotonic())) is None:
                raise ConnectionError(f"the session ended before a {name!r} command")

    async def send(self, event: str, task_id: str | None, data: Any) -> None:
        await self.client.send(event, task_id, data)

    def blob(self, blob_id: str) -> bytes:
        return bytes(self.client.blobs[blob_id])


def _app(case: Case) -> Callable[[], Any]:
    scope: dict[str, Any] = {}
    exec(PRELUDE, scope)
    exec(case.source, scope)
    app: Callable[[], Any] = scope["main"]
    return app


async def _server_case(port: int, index: int, case: Case) -> list[dict[str, Any]]:
    """The commands of one server session of the case, until it closes or the drive ends.

    An app whose callbacks stay registered keeps its session open after ``main``
    returns (as PyWebIO): then the drive's last awaited command ends the list.
    """
    server = type("S", (), {"port": port})()
    headers = {"User-Agent": USER_AGENT}  # as the server's session tests (``info``)
    client = await Client.connect(server, f"app=c{index}", headers)  # type: ignore[arg-type]
    try:
        if case.drive is not None:
            await asyncio.wait_for(case.drive(ServerBrowser(client)), CASE_TIMEOUT)
        if case.id not in KEEPS_OPEN:
            while not any(c["command"] == "close_session" for c in client.received):
                if await client.frame(CASE_TIMEOUT) is None:
                    break
    finally:
        await client.aclose()
    return list(client.received)


#: Server sessions that stay open after main returns (callbacks still registered).
KEEPS_OPEN = {
    c.id
    for c in CASES
    if c.id.startswith(
        (
            "input-action-",
            "output-table_put_cells",
            "pin-get_pin_value_button",
            "pin-pin_on_change",
            "session-download",
            "session-local-counter",
        )
    )
    or c.id == "session-run_async-counter-async"
}


def run_on_server(cases: list[Case]) -> dict[str, list[dict[str, Any]]]:
    """Every case on one real server (one app per case), the commands of each session."""
    apps: dict[str, Any] = {f"c{i}": _app(c) for i, c in enumerate(cases)}
    apps["other"] = lambda: None  # put_link(app='other') / go_app('other') go here
    handle = _start_server_in_thread(apps, host="127.0.0.1")
    try:

        async def all_cases() -> dict[str, list[dict[str, Any]]]:
            return {c.id: await _server_case(handle.port, i, c) for i, c in enumerate(cases)}

        return asyncio.run(all_cases())
    finally:
        handle.stop()


@pytest.fixture(scope="module")
def server_runs() -> dict[str, list[dict[str, Any]]]:
    return run_on_server(CASES)


# --------------------------------------------------------------------- notebook
class NotebookBrowser:
    """What the cell roots opened by one case's cell received, as a drive's Browser."""

    notebook = True

    def __init__(self, frontend: Frontend) -> None:
        self.frontend = frontend
        self.received: list[dict[str, Any]] = []
        self.where: dict[int, str] = {}  # id(command) -> comm id of its root
        self.seen: set[int] = set()
        self.changed = asyncio.Event()
        self.comm_id = ""
        self.closed = False

    def take(self, comm_id: str, commands: list[dict[str, Any]]) -> None:
        if self.closed:
            return
        for command in commands:
            self.received.append(command)
            self.where[id(command)] = comm_id
        self.changed.set()

    async def wait(
        self, name: str, where: Callable[[dict[str, Any]], bool] | None = None
    ) -> dict[str, Any]:
        deadline = time.monotonic() + CASE_TIMEOUT
        while True:
            for command in self.received:
                if id(command) in self.seen or command["command"] != name:
                    continue
                if where is None or where(command):
                    self.seen.add(id(command))
                    self.comm_id = self.where[id(command)]
                    return command
            self.changed.clear()
            await asyncio.wait_for(self.changed.wait(), max(0.01, deadline - time.monotonic()))

    async def send(self, event: str, task_id: str | None, data: Any) -> None:
        self.frontend.send(self.comm_id, {"event": event, "task_id": task_id, "data": data})

    def blob(self, blob_id: str) -> bytes:
        data = self.frontend.chunks.complete(blob_id)
        assert data is not None, f"blob {blob_id} never came as comm buffers"
        return data


class Frontend:
    """The scripted frontend of the whole notebook: routes each root's commands to
    the case whose cell opened it, answers pings, sends events on its own
    connection (nbclient's shell socket is busy awaiting the cell's reply)."""

    def __init__(self) -> None:
        self.browsers: dict[str, NotebookBrowser] = {}  # comm id -> its case's browser
        self.current: NotebookBrowser | None = None
        self.chunks = BlobChunks()
        self.sender: Any = None
        self.kernel_client: Any = None

    def send(self, comm_id: str, event: dict[str, Any]) -> None:
        if self.sender is None:
            from jupyter_client import BlockingKernelClient

            self.sender = BlockingKernelClient()
            self.sender.load_connection_info(self.kernel_client.get_connection_info())
            self.sender.start_channels(iopub=False, stdin=False, hb=False, control=False)
        content = {"comm_id": comm_id, "data": {"method": "custom", "content": event}}
        self.sender.shell_channel.send(self.sender.session.msg("comm_msg", content))

    def close(self) -> None:
        if self.sender is not None:
            self.sender.stop_channels()

    def widget_class(self) -> type:
        frontend = self

        class Widget:
            def __init__(
                self, comm_id: str, state: dict[str, Any], kernel_client: Any, executor: Any
            ) -> None:
                self.comm_id = comm_id
                frontend.kernel_client = kernel_client
                if frontend.current is not None:
                    frontend.browsers[comm_id] = frontend.current

            def handle_msg(self, msg: dict[str, Any]) -> None:
                data = msg["content"].get("data", {})
                if data.get("method") != "custom":
                    return
                commands = decode_batch(data["content"]).commands
                frontend.chunks.take(commands, msg.get("buffers") or [])
                for command in commands:
                    if command["command"] == "ping":
                        pong = {"id": command["spec"]["id"], **NOTEBOOK_BROWSER}
                        frontend.send(
                            self.comm_id, {"event": "pong", "task_id": None, "data": pong}
                        )
                browser = frontend.browsers.get(self.comm_id)
                if browser is not None:
                    browser.take(self.comm_id, commands)

        return Widget


class NotebookRun:
    """One notebook, a cell per case (and a reset cell before each), in one kernel."""

    def __init__(self, kernel_name: str, cases: list[Case]) -> None:
        self.kernel_name = kernel_name
        self.cases = cases
        self.received: dict[str, list[dict[str, Any]]] = {}
        self.drive_errors: dict[str, str] = {}
        self.cell_errors: dict[str, tuple[str, str]] = {}
        self.elapsed = 0.0

    def execute(self) -> None:
        import nbformat

        # pywebio_nb.testing's nbclient client: it routes widget messages by comm
        # id whatever their parent, as a browser does (a callback's output may
        # come between two cells).
        base: Any = _client_class()

        nb = nbformat.v4.new_notebook()
        nb.cells.append(nbformat.v4.new_code_cell(PRELUDE))
        case_of: dict[int, Case] = {}
        for case in self.cases:
            nb.cells.append(nbformat.v4.new_code_cell(RESET))
            case_of[len(nb.cells)] = case
            nb.cells.append(nbformat.v4.new_code_cell(case.cell))
        frontend = Frontend()
        run = self

        class Client(base):  # type: ignore[misc]
            async def async_execute_cell(
                self, cell: Any, cell_index: int, execution_count: Any = None, **kw: Any
            ) -> Any:
                case = case_of.get(cell_index)
                if case is None:
                    return await super().async_execute_cell(cell, cell_index, execution_count, **kw)
                browser = NotebookBrowser(frontend)
                frontend.current = browser
                drive = case.notebook_drive or case.drive
                task = (
                    asyncio.ensure_future(asyncio.wait_for(drive(browser), CASE_TIMEOUT))
                    if drive is not None and case.notebook_error is None
                    else None
                )
                try:
                    return await super().async_execute_cell(cell, cell_index, execution_count, **kw)
                finally:
                    frontend.current = None
                    if task is not None:
                        await self._deliver_until(task)
                        try:
                            await task
                        except BaseException as exc:
                            run.drive_errors[case.id] = repr(exc)
                    browser.closed = True
                    run.received[case.id] = browser.received
                    for out in cell.get("outputs", []):
                        if out.get("output_type") == "error":
                            run.cell_errors[case.id] = (out["ename"], out["evalue"])

            async def _deliver_until(self, task: asyncio.Future[Any]) -> None:
                """Route widget messages while a drive still runs after its cell ended
                (a click's output comes when no cell runs, so nbclient reads nothing)."""
                while not task.done():
                    read = asyncio.ensure_future(self.kc.iopub_channel.get_msg(timeout=None))
                    await asyncio.wait({task, read}, return_when=asyncio.FIRST_COMPLETED)
                    if not read.done():
                        read.cancel()
                        break
                    msg = read.result()
                    if msg["msg_type"] in ("comm_msg", "comm_open"):
                        self.handle_comm_msg([], msg, cell_index=0)

        client = Client(
            nb,
            timeout=CASE_TIMEOUT,
            kernel_name=self.kernel_name,
            allow_errors=True,
            interrupt_on_timeout=True,
        )
        client.widget_registry = {"anywidget": {"AnyModel": frontend.widget_class()}}
        started = time.monotonic()
        try:
            client.execute()
        finally:
            frontend.close()
            self.elapsed = time.monotonic() - started


@pytest.fixture(scope="module", params=["python3", "ipykernel6"])
def notebook_run(request: pytest.FixtureRequest) -> Iterator[NotebookRun]:
    name = request.getfixturevalue("ipykernel6") if request.param == "ipykernel6" else "python3"
    run = NotebookRun(name, CASES)
    run.execute()
    yield run


# ------------------------------------------------------------------------ tests
def _params() -> list[Any]:
    out = []
    for case in CASES:
        marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
        out.append(pytest.param(case, id=case.id, marks=marks))
    return out


@pytest.mark.parametrize("case", _params())
def test_same_commands_in_a_cell_as_under_start_server(
    case: Case, server_runs: dict[str, list[dict[str, Any]]], notebook_run: NotebookRun
) -> None:
    if case.notebook_error is not None:
        ename, part = case.notebook_error
        assert case.id in notebook_run.cell_errors, "the cell should raise in a notebook"
        got_name, message = notebook_run.cell_errors[case.id]
        assert (got_name, part in message) == (ename, True), (got_name, message)
        assert any(c["command"] != "set_session_id" for c in server_runs[case.id])
        return
    assert case.id not in notebook_run.cell_errors, notebook_run.cell_errors[case.id]
    assert case.id not in notebook_run.drive_errors, notebook_run.drive_errors[case.id]
    server = normalise(server_runs[case.id], case.dedupe_repeats)
    notebook = normalise(notebook_run.received[case.id], case.dedupe_repeats)
    if case.notebook_expect is not None:  # a documented difference, applied precisely
        server = case.notebook_expect(server)
    if case.unordered:
        server, notebook = _sorted(server), _sorted(notebook)
    assert notebook == server


def _sorted(commands: list[Any]) -> list[Any]:
    return sorted(commands, key=lambda c: json.dumps(c, sort_keys=True))


def test_the_whole_notebook_runs_in_reasonable_time(notebook_run: NotebookRun) -> None:
    assert notebook_run.elapsed < 60, notebook_run.elapsed
