"""Numbered batches, acknowledgements, replay and resync (session/_replay.py, Session.resume)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from pywebio_nb.input import input
from pywebio_nb.output import put_image, put_text, use_scope
from pywebio_nb.protocol import Command, make_command
from pywebio_nb.session._base import ThreadSession
from pywebio_nb.session._memory import MemoryTransport
from pywebio_nb.session._replay import ReplayLog

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def _batch(n: int) -> list[Command]:
    return [make_command("output", {"type": "text", "content": str(i)}) for i in range(n)]


# ------------------------------------------------------------------ the log alone
def test_sequence_numbers_count_batches_per_root() -> None:
    log = ReplayLog()
    assert [log.record("a", _batch(1)) for _ in range(3)] == [1, 2, 3]
    assert log.record("b", _batch(1)) == 1
    assert log.last("a") == 3 and log.last("b") == 1 and log.last("c") == 0


def test_missed_returns_exactly_the_batches_after_the_count() -> None:
    log = ReplayLog()
    for n in range(1, 6):
        log.record("a", _batch(n))
    missed = log.missed("a", 2)
    assert missed is not None
    assert [entry.seq for entry in missed] == [3, 4, 5]
    assert [len(entry.batch) for entry in missed] == [3, 4, 5]
    assert log.missed("a", 5) == []


def test_acknowledged_batches_are_forgotten() -> None:
    log = ReplayLog()
    for _ in range(4):
        log.record("a", _batch(2))
    assert log.kept("a") == (8, 0)
    assert log.acknowledge("a", 3)
    assert log.kept("a") == (2, 0)
    # Older than what was acknowledged: cannot be replayed any more.
    assert log.missed("a", 2) is None
    assert [e.seq for e in log.missed("a", 3) or []] == [4]


@pytest.mark.parametrize("seq", [-1, 5, 10**9])
def test_a_count_never_delivered_is_refused(seq: int) -> None:
    log = ReplayLog()
    for _ in range(4):
        log.record("a", _batch(1))
    assert not log.acknowledge("a", seq)
    assert log.kept("a") == (4, 0)
    assert log.missed("a", seq) is None


def test_the_bound_drops_the_oldest_and_makes_older_counts_unreplayable() -> None:
    log = ReplayLog(max_commands=10)
    for _ in range(6):
        log.record("a", _batch(3))  # 18 commands: the oldest batches go
    commands, _ = log.kept("a")
    assert commands <= 10
    assert log.missed("a", 1) is None  # batch 2 is gone
    kept = log.missed("a", 3)
    assert kept is not None and [e.seq for e in kept] == [4, 5, 6]


def test_restart_forgets_everything_and_numbers_on() -> None:
    log = ReplayLog()
    for _ in range(3):
        log.record("a", _batch(1))
    assert log.restart("a") == 4
    assert log.kept("a") == (0, 0)
    assert log.record("a", _batch(1)) == 4
    assert log.missed("a", 2) is None
    assert [e.seq for e in log.missed("a", 3) or []] == [4]


# ------------------------------------------------------------------ in a session
def _session(app: Any = lambda: None, *, max_commands: int = 20_000) -> ThreadSession:
    session = ThreadSession(app, MemoryTransport())
    session.replay = ReplayLog(max_commands=max_commands)
    return session


def _commands(transport: MemoryTransport) -> list[Command]:
    return transport.commands()


def test_resume_replays_exactly_what_the_frontend_missed() -> None:
    session = _session()
    first = session.transport
    assert isinstance(first, MemoryTransport)
    for i in range(5):
        session.send(make_command("output", {"type": "text", "content": f"t{i}"}))
        session.flush()
    assert len(first.batches) == 5
    session.dispatch({"event": "ack", "task_id": None, "data": {"seq": 2}})
    # The frontend applied 3 batches before the socket dropped.
    second = MemoryTransport()
    assert session.resume(second, 3)
    assert [c["spec"]["content"] for c in second.commands()] == ["t3", "t4"]
    # Later batches go to the new transport, numbered on.
    session.send(make_command("output", {"type": "text", "content": "t5"}))
    session.flush()
    assert [c["spec"]["content"] for c in second.commands()] == ["t3", "t4", "t5"]
    assert len(first.batches) == 5
    assert session.replay is not None and session.replay.last(session.PAGE_ROOT) == 6
    session.close()


def test_resume_with_nothing_missed_sends_nothing() -> None:
    session = _session()
    session.send(make_command("output", {"type": "text", "content": "a"}))
    session.flush()
    second = MemoryTransport()
    assert session.resume(second, 1)
    assert second.batches == []
    session.close()


def test_resume_replays_the_blobs_of_missed_batches() -> None:
    session = _session()
    run_in_session(session, lambda: put_image(PNG))
    session.flush()
    second = MemoryTransport()
    assert session.resume(second, 0)
    (image,) = second.commands("output")
    blob_id = image["spec"]["src"]["blob"]
    assert second.blob_bytes(blob_id) == PNG
    session.close()


def run_in_session(session: ThreadSession, func: Any) -> None:
    """Run ``func`` as code of ``session`` (its context) on this thread."""
    from pywebio_nb.session._context import session_var

    token = session_var.set(session)
    try:
        func()
    finally:
        session_var.reset(token)


def test_a_gap_is_rebuilt_from_the_page_model() -> None:
    session = _session(max_commands=5)

    def outputs() -> None:
        put_text("kept-0")
        with use_scope("s"):
            put_text("in-scope")
        for i in range(20):
            put_text(f"n{i}")
            session.flush()
        put_image(PNG)

    run_in_session(session, outputs)
    session.flush()
    second = MemoryTransport()
    assert session.resume(second, 1)  # batch 2.. are partly gone
    (batch,) = [b for _, b in second.batches]
    assert batch[0]["command"] == "resync"
    seq = batch[0]["spec"]["seq"]
    assert session.replay is not None and seq == session.replay.last(session.PAGE_ROOT)
    texts = [c["spec"].get("content") for c in batch[1:] if c["spec"].get("type") == "text"]
    assert texts[0] == "kept-0" and texts[-1] == "n19" and len(texts) == 21
    scopes = [c for c in batch[1:] if c["spec"].get("type") == "scope"]
    assert len(scopes) == 1
    (image,) = [c for c in batch if c["spec"].get("type") == "image"]
    assert second.blob_bytes(image["spec"]["src"]["blob"]) == PNG
    # The numbering goes on from the resync batch.
    session.send(make_command("output", {"type": "text", "content": "after"}))
    session.flush()
    assert session.replay.last(session.PAGE_ROOT) == seq + 1
    assert session.replay.missed(session.PAGE_ROOT, seq) is not None
    session.close()


def test_a_pending_input_stays_answerable_after_a_resync() -> None:
    answers: list[Any] = []
    started = threading.Event()

    def app() -> None:
        started.set()
        answers.append(input("Name"))

    session = _session(app, max_commands=1)
    first = session.transport
    assert isinstance(first, MemoryTransport)
    session.start()
    (form,) = first.wait_for(lambda cs: [c for c in cs if c["command"] == "input_group"])
    session.send(make_command("output", {"type": "text", "content": "x"}))
    session.flush()  # pushes the form's batch out of a 1-command log
    second = MemoryTransport()
    assert session.resume(second, 0)
    resent = [c for c in second.commands() if c["command"] == "input_group"]
    assert resent == [form]
    name = form["spec"]["inputs"][0]["name"]
    session.dispatch({"event": "from_submit", "task_id": form["task_id"], "data": {name: "Ada"}})
    session.thread.join(5)
    assert answers == ["Ada"]
    # An answered form is not asked again by a later resync.
    third = MemoryTransport()
    assert session.resume(third, 0)
    assert not [c for c in third.commands() if c["command"] == "input_group"]
    session.close()


def test_resume_of_a_closed_session_is_refused() -> None:
    session = _session()
    session.close()
    assert not session.resume(MemoryTransport(), 0)


def test_a_resync_of_an_ended_session_says_it_ended() -> None:
    """A polling page that fell too far behind a session that then closed gets the
    snapshot and the end together (a replay would carry the close_session batch)."""
    session = _session(max_commands=2)

    def outputs() -> None:
        for i in range(5):
            put_text(f"t{i}")

    run_in_session(session, outputs)
    session.flush()
    session.close()
    (entry,) = session.catch_up(0)
    names = [c["command"] for c in entry.batch]
    assert names[0] == "resync" and names[-1] == "close_session"
    assert [c["spec"]["content"] for c in entry.batch[1:-1]] == [f"t{i}" for i in range(5)]


def test_without_a_replay_log_resume_sends_a_snapshot() -> None:
    session = ThreadSession(lambda: None, MemoryTransport())
    run_in_session(session, lambda: put_text("hello"))
    session.flush()
    second = MemoryTransport()
    assert session.resume(second, 1)
    commands = second.commands()
    assert commands[0]["command"] == "resync"
    assert [c["spec"]["content"] for c in commands[1:]] == ["hello"]
    session.close()


@pytest.mark.parametrize(
    "data",
    [{"seq": "3"}, {"seq": 1.5}, {}, {"seq": True}, {"seq": 1, "root": 5}, None],
)
def test_malformed_acks_are_ignored(data: Any) -> None:
    session = _session()
    for _ in range(3):
        session.send(make_command("output", {"type": "text", "content": "a"}))
        session.flush()
    session.dispatch({"event": "ack", "task_id": None, "data": data})
    assert session.replay is not None
    assert session.replay.kept(session.PAGE_ROOT) == (3, 0)
    session.close()
