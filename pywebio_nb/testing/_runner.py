"""Run a notebook under nbclient with the scripted frontend (or with none)."""

from __future__ import annotations

import asyncio
import os
import pathlib
import time
from dataclasses import dataclass, field
from typing import Any

from ..exceptions import NoFrontendError
from ._frontend import NotebookTestError, ScriptedFrontend

__all__ = ["NotebookRun", "execute_notebook", "run_notebook"]

#: A cell root's saved snapshot (``pywebio_nb.jupyter._static_html.SNAPSHOT_MIME``; not
#: imported: that package loads the kernel runtime, which a test runner never needs).
_SNAPSHOT_MIME = "application/vnd.pywebio-nb.snapshot+json"


@dataclass
class NotebookRun:
    """The result of :func:`execute_notebook`.

    ``notebook`` is the executed notebook (an ``nbformat.NotebookNode``, as
    nbclient leaves it); ``texts`` are the texts pywebio_nb outputs showed
    (``put_text``, ``put_markdown`` sources, table cells, ...) in arrival
    order; ``commands`` every command the frontend received as ``(cell root id,
    command)``; ``elapsed`` the run's wall time in seconds.
    """

    notebook: Any
    texts: list[str] = field(default_factory=list)
    commands: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    elapsed: float = 0.0

    def outputs_text(self) -> str:
        """Everything the notebook showed as text: pywebio_nb texts, then the cells'
        own stream/plain-text outputs (prints, results, error names), one per line."""
        lines = list(self.texts)
        for cell in self.notebook.cells:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream":
                    lines.append(str(output.get("text", "")).rstrip("\n"))
                elif output.get("output_type") == "error":
                    lines.append(f"{output.get('ename')}: {output.get('evalue')}")
                elif "text/plain" in output.get("data", {}):
                    if _SNAPSHOT_MIME in output["data"]:  # a cell root: its texts are above
                        continue
                    plain = str(output["data"]["text/plain"])
                    if not plain.startswith("CellRoot("):
                        lines.append(plain)
        return "\n".join(lines)


def run_notebook(
    notebook: Any,
    answers: Any = None,
    *,
    output: str | os.PathLike[str] | None = None,
    timeout: float = 60,
    kernel_name: str = "python3",
    cwd: str | os.PathLike[str] | None = None,
    allow_errors: bool = False,
    stall_timeout: float = 10.0,
) -> Any:
    """Execute ``notebook`` headless, answering its inputs; return the executed notebook.

    ``notebook`` is a path or an ``nbformat.NotebookNode`` (not changed: a copy
    runs). ``answers`` plays the user:

    * a **list**, used in order: each value answers the next question (an
      ``input()``-like call; ``input_group`` takes a dict of its inputs' names
      or labels; ``eval_js`` takes its result), :func:`click` steps click
      buttons by label and :func:`set_pin` steps change pin widgets, each as
      soon as what it needs is shown;
    * a **mapping** from an input's label or name to its value (an
      ``eval_js`` result under its expression or ``"eval_js"``), used for
      every question that asks it;
    * a **function** of the :class:`Request` returning the value (or
      :data:`NO_ANSWER`).

    Values are what a user gives: text for text inputs (other values are
    ``str()``-ed, as a browser sends the typed text), the *label* of the chosen
    option for ``select``/``radio``/``actions`` (a list of labels for
    ``checkbox`` and multiple selects), bytes, a path or an :class:`Upload`
    for ``file_upload`` (a list for ``multiple=True``).

    ``answers=None`` runs with no frontend at all, as ``jupyter execute``
    does: the first input raises :class:`~pywebio_nb.exceptions.NoFrontendError`
    (within ``PYWEBIO_NB_HANDSHAKE_TIMEOUT``, 5 s by default) and so does this
    function.

    Raises :class:`NotebookTestError` naming the input and the cell when a
    question has no answer, when an answer is refused by the notebook's
    validation and no other try is left, when a step cannot run while a
    question waits (for ``stall_timeout`` seconds), or when list entries are
    left over at the end; nbclient's ``CellExecutionError`` when a cell raises
    (unless ``allow_errors``). ``output`` writes the executed notebook there.
    """
    return execute_notebook(
        notebook,
        answers,
        output=output,
        timeout=timeout,
        kernel_name=kernel_name,
        cwd=cwd,
        allow_errors=allow_errors,
        stall_timeout=stall_timeout,
    ).notebook


def execute_notebook(
    notebook: Any,
    answers: Any = None,
    *,
    output: str | os.PathLike[str] | None = None,
    timeout: float = 60,
    kernel_name: str = "python3",
    cwd: str | os.PathLike[str] | None = None,
    allow_errors: bool = False,
    stall_timeout: float = 10.0,
) -> NotebookRun:
    """:func:`run_notebook`, returning a :class:`NotebookRun` (the notebook and what it showed)."""
    import copy

    import nbformat
    from nbclient.exceptions import CellExecutionError

    if isinstance(notebook, (str, os.PathLike)):
        path = pathlib.Path(notebook)
        nb = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
        if cwd is None:
            cwd = path.resolve().parent
    else:
        nb = copy.deepcopy(notebook)
    frontend = (
        ScriptedFrontend(answers, stall_timeout=stall_timeout) if answers is not None else None
    )
    client = _client_class()(
        nb,
        timeout=timeout,
        kernel_name=kernel_name,
        allow_errors=allow_errors,
        resources={"metadata": {"path": str(cwd)}} if cwd is not None else {},
        # The saved outputs carry their own static copy (text/html, snapshot); stored
        # widget state would add the frontend bundle per notebook and make viewers
        # such as nbconvert prefer a widget view they cannot draw.
        store_widget_state=False,
    )
    client.frontend = frontend
    if frontend is not None:
        client.widget_registry = {"anywidget": {"AnyModel": frontend.widget_class()}}
        frontend.interrupt = client.interrupt_soon
    else:
        client.widget_registry = {}
    started = time.monotonic()
    error: BaseException | None = None
    try:
        client.execute()
    except (CellExecutionError, TimeoutError) as exc:  # CellTimeoutError is a TimeoutError
        error = exc
    finally:
        if frontend is not None:
            frontend.close()
    run = NotebookRun(
        nb,
        frontend.texts() if frontend else [],
        [(widget.root_id, command) for widget, command in frontend.log] if frontend else [],
        time.monotonic() - started,
    )
    if output is not None:
        nbformat.write(nb, output)  # type: ignore[no-untyped-call]
    if frontend is not None and frontend.failure is not None:
        raise frontend.failure from error
    if error is not None:
        if getattr(error, "ename", "") == "NoFrontendError":
            raise NoFrontendError(
                "the notebook asked for input but no frontend was given: pass answers= "
                f"(a list, a mapping or a function) to answer it.\n{error}"
            ) from error
        raise error
    if frontend is not None and frontend.steps:
        raise NotebookTestError(
            f"the run ended with answers left over (never asked for or never shown): "
            f"{frontend.steps!r}"
        )
    return run


_CLIENT: type | None = None


def _client_class() -> type:
    """nbclient's client, following comm messages between cells and knowing the cell."""
    global _CLIENT
    if _CLIENT is not None:
        return _CLIENT
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionComplete
    from nbclient.util import ensure_async

    class Client(NotebookClient):
        frontend: ScriptedFrontend | None = None
        _interrupting: Any = None

        async def _async_poll_output_msg(
            self, parent_msg_id: str, cell: Any, cell_index: int
        ) -> None:
            # A browser routes widget messages by comm id; nbclient only looks at the
            # running cell's messages, so a callback's output flushed between two
            # cells would otherwise never reach the frontend.
            if self.frontend is not None:
                self.frontend.cell = cell_index
            while True:
                assert self.kc is not None
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
                if msg["parent_header"].get("msg_id") == parent_msg_id:
                    try:
                        self.process_message(msg, cell, cell_index)
                    except CellExecutionComplete:
                        return
                elif msg["msg_type"] in ("comm_msg", "comm_open"):
                    self.handle_comm_msg([], msg, cell_index)

        def interrupt_soon(self) -> None:
            """Interrupt the kernel (a cell waits for an answer that will not come)."""
            km = self.km
            if km is None:
                return
            result = km.interrupt_kernel()
            if asyncio.iscoroutine(result):
                self._interrupting = asyncio.ensure_future(result)

    _CLIENT = Client
    return Client
