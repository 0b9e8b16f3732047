"""Every input example of the manual, in an in-memory session (tests/_input_examples.py)."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest

from tests._input_examples import EXAMPLES, Example, drive, sync_app


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_manual_example(run_app, example: Example) -> None:
    shown: list[str] = []
    run = run_app(sync_app(example, shown.append))
    seen: Counter[str] = Counter()

    async def send(event: str, task_id: str | None, data: Any) -> None:
        run.send(event, task_id, data)

    async def wait(name: str) -> dict[str, Any]:
        seen[name] += 1
        return dict(run.wait_command(name, seen[name]))

    asyncio.run(drive(example, send, wait))
    run.join()
    assert shown == [repr(example.result)]
