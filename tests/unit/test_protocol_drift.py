"""The committed ``js/src/protocol.gen.ts`` matches the ``pywebio_nb/protocol/`` package."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _load_generator() -> ModuleType:
    path = ROOT / "scripts" / "gen_protocol_ts.py"
    spec = importlib.util.spec_from_file_location("_gen_protocol_ts", path)
    assert spec is not None and spec.loader is not None, f"cannot load {path}"
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_protocol_ts_is_current() -> None:
    generator = _load_generator()
    problem = generator.check()
    assert problem is None, problem


def test_protocol_ts_lists_every_command_and_event() -> None:
    generator = _load_generator()
    text = generator.generate()
    protocol = generator._load_protocol()
    for name in (*protocol.COMMAND_NAMES, *protocol.EVENT_NAMES):
        assert f'"{name}"' in text, f"{name!r} missing from the generated TS; {generator.FIX_HINT}"
