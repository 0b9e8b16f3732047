"""Session.send_output, the short path of put_*(), has exactly the effects of send().

Each app below runs twice: as is, and with every output forced through
``send()`` (the general path). The commands delivered, the page model's
snapshot, the pins it knows and the replay log must be the same. A Session
subclass with its own ``send()`` (the notebook's kernel session) gets every
output through it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import pytest

from pywebio_nb import pin
from pywebio_nb.output import (
    put_buttons,
    put_column,
    put_markdown,
    put_row,
    put_scope,
    put_text,
    use_scope,
)
from pywebio_nb.protocol import Command
from pywebio_nb.session._base import Session, ThreadSession
from pywebio_nb.session._memory import MemoryTransport
from pywebio_nb.session._replay import ReplayLog


def _many_texts() -> None:
    for i in range(300):  # past a few batches' worth of the hold rule's clock
        put_text(i)


def _styled_and_chained() -> None:
    put_text("red").style("color:red")
    put_markdown("**md**").onclick(lambda: None)
    put_text("a", "b", sep="-", inline=True)


def _positions_and_scopes() -> None:
    put_text("last")
    put_text("first", position=0)
    put_scope("box", [put_text("inside")])
    put_text("into box", scope="box")
    with use_scope("other"):
        put_text("in other")
        put_text("root again", scope=0)
    put_text("before last", position=-2)


def _containers_and_pins() -> None:
    put_row([put_text("r1"), put_column([put_text("c1"), put_text("c2")])])
    put_buttons(["b"], onclick=lambda _: None)
    pin.put_input("name", value="x")
    with put_text("ctx").enable_context_manager() as name:
        put_text("in ctx " + str(bool(name)))


APPS = [_many_texts, _styled_and_chained, _positions_and_scopes, _containers_and_pins]
#: Texts the page model's snapshot must show (nested ones too).
EXPECTED_IN_SNAPSHOT = {
    "_many_texts": ['"299"'],
    "_positions_and_scopes": ['"into box"', '"in other"', '"root again"'],
    "_containers_and_pins": ['"c2"', '"in ctx True"'],
}


def _through_send(session: Session, spec: Any) -> None:
    session.send({"command": "output", "task_id": None, "spec": spec})


def _strip_ids(value: Any) -> Any:
    """Callback ids and generated scope names differ from run to run."""
    if isinstance(value, dict):
        return {
            k: ("ID" if k in ("callback_id", "click_callback_id") else _strip_ids(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_strip_ids(v) for v in value]
    if isinstance(value, str) and ("pywebio-scope-s" in value):
        return "SCOPE"
    return value


def _run(app: Callable[[], None], lean: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    with monkeypatch.context() as patch:
        if not lean:
            patch.setattr(Session, "send_output", _through_send)
        transport = MemoryTransport()
        session = ThreadSession(app, transport)
        session.replay = ReplayLog()
        session.start()
        session.thread.join(10)
        session.flush()
        root = session.PAGE_ROOT
        result = {
            "commands": transport.commands(),
            "snapshot": session.page.snapshot(root),
            "pins": sorted(session.page.pins.items) if session.page.pins.active else None,
            "replayed": [c for d in session.replay.missed(root, 0) or [] for c in d.batch],
        }
        session.close(notify_client=False)
    return _strip_ids(result)


@pytest.mark.parametrize("app", APPS, ids=lambda a: a.__name__)
def test_send_output_has_the_effects_of_send(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    lean = _run(app, True, monkeypatch)
    general = _run(app, False, monkeypatch)
    assert lean["commands"], "the app sent nothing"
    assert lean == general
    # What the page model must hold (both paths share its ROOT-append case).
    shown = json.dumps(lean["snapshot"])
    for text in EXPECTED_IN_SNAPSHOT.get(app.__name__, ()):
        assert text in shown, text
    if app is _containers_and_pins:
        assert lean["pins"] == ["name"]


def test_a_subclass_with_its_own_send_gets_every_output() -> None:
    seen: list[Command] = []

    class Recording(ThreadSession):
        def send(self, command: Command, root_id: str | None = None, **kwargs: Any) -> None:
            seen.append(command)
            super().send(command, root_id, **kwargs)

    done = threading.Event()

    def app() -> None:
        put_text("one")
        put_markdown("two")
        done.set()

    session = Recording(app, MemoryTransport())
    session.start()
    assert done.wait(10)
    session.thread.join(10)
    assert [c["spec"].get("content") for c in seen if c["command"] == "output"] == ["one", "two"]
    session.close(notify_client=False)
