"""mypy rejects a wrong spec: the protocol's TypedDicts type the builders.

One snippet, type-checked with mypy's API: the lines marked ``# wrong`` must
each give an error, the others none. (About a second.)
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

api = pytest.importorskip("mypy.api")

SNIPPET = textwrap.dedent(
    """
    from pywebio_nb.output import Output
    from pywebio_nb.protocol import make_command

    make_command("output", {"type": "text", "content": "ok", "scope": "#pywebio-scope-ROOT"})
    make_command("output_ctl", {"clear": "#pywebio-scope-ROOT"})
    make_command("close_session")
    Output({"type": "buttons", "callback_id": "c", "buttons": [{"label": "a", "value": 0}]})
    make_command("output", {"type": "text", "contnet": "typo"})  # wrong
    make_command("output", {"type": "nope", "content": "x"})  # wrong
    make_command("toast", {"type": "text", "content": "x"})  # wrong
    make_command("no_such_command", None)  # wrong
    Output({"type": "buttons", "content": "no callback_id, no buttons"})  # wrong
    make_command("input_group", {"inputs": [{"type": "select", "label": "no options"}]})  # wrong
    """
)


def test_mypy_rejects_each_wrong_spec_and_accepts_the_right_ones(tmp_path: Path) -> None:
    path = tmp_path / "snippet.py"
    path.write_text(SNIPPET, encoding="utf-8")
    stdout, stderr, _status = api.run(
        ["--strict", "--no-incremental", "--follow-imports=silent", str(path)]
    )
    error_lines = {
        int(m.group(1)) for m in re.finditer(r"snippet\.py:(\d+): error", stdout + stderr)
    }
    lines = SNIPPET.splitlines()
    wrong = {n for n, line in enumerate(lines, 1) if line.endswith("# wrong")}
    assert error_lines == wrong, stdout
