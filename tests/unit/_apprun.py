"""Unit-test harness: run a tiny app in a ThreadSession over a MemoryTransport.

``run_app(app)`` starts ``app`` in its own session and returns an
:class:`AppRun`; the test waits for commands (every wait has a timeout),
answers with events and joins the app thread. An exception raised by the app
(an assertion inside it, too) is re-raised by ``join()`` instead of being
turned into red text on the page. Every session is closed at teardown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pywebio_nb.output import Output
from pywebio_nb.protocol import Command
from pywebio_nb.session._base import ThreadSession
from pywebio_nb.session._memory import MemoryTransport
from pywebio_nb.session._page_model import ScopeNode

TIMEOUT = 5.0
_UNSET = object()


class AppRun:
    def __init__(self, app: Callable[[], Any]) -> None:
        self.transport = MemoryTransport()
        self.errors: list[BaseException] = []
        self.result: Any = _UNSET

        def wrapped() -> None:
            try:
                result = app()
                # A returned Output is dropped (and so sent) as ThreadSession drops it.
                self.result = None if isinstance(result, Output) else result
            except BaseException as exc:
                self.errors.append(exc)
                raise

        self.session = ThreadSession(wrapped, self.transport)

    def start(self) -> AppRun:
        self.session.start()
        return self

    # ------------------------------------------------------------ commands
    def commands(self, name: str | None = None) -> list[Command]:
        return self.transport.commands(name)

    def wait_command(
        self, name: str, count: int = 1, where: Callable[[Command], bool] | None = None
    ) -> Command:
        """The ``count``-th delivered ``name`` command (matching ``where``)."""

        def found(commands: list[Command]) -> Command | None:
            matching = [c for c in commands if c["command"] == name and (where is None or where(c))]
            return matching[count - 1] if len(matching) >= count else None

        try:
            command: Command = self.transport.wait_for(found, TIMEOUT)
        except TimeoutError:
            raise AssertionError(
                f"no {count}. {name!r} command within {TIMEOUT} s; app errors: {self.errors}; "
                f"got {[c['command'] for c in self.commands()]}"
            ) from None
        return command

    def wait_form(self, count: int = 1) -> Command:
        return self.wait_command("input_group", count)

    def updates(self, task_id: str) -> list[Any]:
        return [c["spec"] for c in self.commands("update_input") if c["task_id"] == task_id]

    # -------------------------------------------------------------- events
    def send(self, event: str, task_id: str | None, data: Any) -> None:
        self.session.dispatch({"event": event, "task_id": task_id, "data": data})

    def submit(self, form: Command, data: dict[str, Any]) -> None:
        self.send("from_submit", form["task_id"], data)

    def click(self, callback_id: str, value: Any = None) -> None:
        self.send("callback", callback_id, value)

    # ---------------------------------------------------------------- end
    def join(self) -> Any:
        """Wait for the app to return; its return value (or its exception)."""
        self.session.thread.join(TIMEOUT)
        assert not self.session.thread.is_alive(), (
            f"the app did not finish within {TIMEOUT} s; "
            f"commands: {[c['command'] for c in self.commands()]}"
        )
        if self.errors:
            raise self.errors[0]
        return self.result

    # ----------------------------------------------------------- page model
    @property
    def page(self) -> ScopeNode:
        return self.session.page.root("page")

    def scope(self, name: str) -> ScopeNode:
        node = self.session.page.scope(name)
        assert node is not None, f"scope {name!r} is not in the page model"
        return node
