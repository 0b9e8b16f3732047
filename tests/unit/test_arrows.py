"""Arrows point down: the session core never imports a runtime (STYLE rule 9).

The import checks run in fresh interpreters, so modules other tests loaded do
not hide an import.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from pywebio_nb.exceptions import SessionNotFoundException
from pywebio_nb.protocol import Command, Event
from pywebio_nb.session._base import Session
from pywebio_nb.session._context import (
    get_current_session,
    register_session_finder,
    unregister_session_finder,
)
from pywebio_nb.session._memory import MemoryTransport

PACKAGE = Path(__file__).resolve().parents[2] / "pywebio_nb"
RUNTIMES = ("pywebio_nb.jupyter", "pywebio_nb.platform", "IPython", "ipykernel", "anywidget")


def _run(code: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "module", ["pywebio_nb.session", "pywebio_nb.output", "pywebio_nb.input", "pywebio_nb"]
)
def test_core_and_public_api_import_no_runtime(module: str) -> None:
    result = _run(
        f"""
        import sys
        import {module}
        loaded = sorted(m for m in sys.modules if m.startswith({RUNTIMES!r}))
        assert not loaded, loaded
        """
    )
    assert result.returncode == 0, result.stderr


def test_session_core_source_knows_nothing_of_the_runtimes() -> None:
    for path in sorted((PACKAGE / "session").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "pong" not in text.lower(), f"{path.name} knows the notebook handshake"
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom):
                names = [("." * node.level) + (node.module or "")]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                bare = name.lstrip(".")
                assert not bare.startswith(("jupyter", "platform", *RUNTIMES)), (
                    f"{path.name} imports {name}"
                )


def test_notebook_runtime_imports_without_the_built_bundle(tmp_path: Path) -> None:
    # A copy of the package with no static/ at all, imported from that copy.
    shutil.copytree(PACKAGE, tmp_path / "pywebio_nb", ignore=shutil.ignore_patterns("static"))
    result = _run(
        """
        import pywebio_nb.jupyter as jupyter
        from pywebio_nb.jupyter import _widget
        from pathlib import Path
        assert _widget.BUNDLE.parents[2] == Path.cwd(), _widget.BUNDLE
        assert not _widget.BUNDLE.exists()
        try:
            jupyter.CellRoot("cell-1", print)
        except FileNotFoundError as exc:
            assert "npm run build" in str(exc), exc
        else:
            raise AssertionError("a cell root was made without its bundle")
        """,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr


def test_importing_the_notebook_runtime_registers_its_finder() -> None:
    result = _run(
        """
        import sys
        import pywebio_nb
        from pywebio_nb.session import _context
        # Outside a kernel only script mode's finder, and no runtime loaded for it.
        assert _context._finders == [pywebio_nb._script_mode_session], _context._finders
        assert "pywebio_nb.platform" not in sys.modules
        import pywebio_nb.jupyter as jupyter
        assert _context._finders[1:] == [jupyter.find_kernel_session], _context._finders
        """
    )
    assert result.returncode == 0, result.stderr


def test_a_registered_finder_is_asked_last() -> None:
    session = Session(MemoryTransport())
    calls: list[int] = []

    def finder() -> Session:
        calls.append(1)
        return session

    with pytest.raises(SessionNotFoundException):
        get_current_session()
    register_session_finder(finder)
    register_session_finder(finder)  # twice: still asked once
    try:
        assert get_current_session() is session
        assert calls == [1]
    finally:
        unregister_session_finder(finder)
    with pytest.raises(SessionNotFoundException):
        get_current_session()


class _ExtensionTransport(MemoryTransport):
    def __init__(self) -> None:
        super().__init__()
        self.extension_events: list[Event] = []
        self.waits: list[str] = []

    def on_event(self, event: Event) -> bool:
        self.extension_events.append(event)
        return True

    def before_wait(self, root_id: str) -> None:
        # Runs once the request is sent, before the session waits for its answer.
        assert self.commands("run_script"), "before_wait ran before the request was sent"
        self.waits.append(root_id)


def test_extension_events_go_to_the_transport_and_it_sees_each_wait() -> None:
    transport = _ExtensionTransport()
    session = Session(transport)
    pong: Any = {"event": "pong", "task_id": None, "data": {"id": "p1"}}
    session.dispatch(pong)
    assert transport.extension_events == [pong]

    def answer(root: str, batch: list[Command]) -> None:
        for command in batch:
            if command["command"] == "run_script":
                session.dispatch({"event": "js_yield", "task_id": command["task_id"], "data": 42})

    transport._on_batch = answer
    assert (
        session.request(
            {"command": "run_script", "task_id": None, "spec": {"code": "1", "eval": True}}
        )
        == 42
    )
    assert transport.waits == ["page"]
