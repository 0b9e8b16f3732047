"""Notebooks in notebooks/ executed by nbclient with a scripted frontend."""

from __future__ import annotations

import datetime
import pathlib
import time

import pytest
from scripted_frontend import run_notebook

NOTEBOOKS = pathlib.Path(__file__).resolve().parents[2] / "notebooks"

BMI_STEPS = [("submit", {"data": "170"}), ("submit", {"data": "60"})]
THREE_STEPS = [
    ("submit", {"data": ""}),  # required: refused, the form stays
    ("submit", {"data": "Ada"}),
    ("submit", {"data": "200"}),  # validate: refused
    ("submit", {"data": "36"}),
    ("submit", {"user": "ada", "password": "secret"}),
]
# Both clicks happen while the actions() cell blocks, and its form is answered only
# after both callbacks wrote their output.
CALLBACK_STEPS = [
    ("click_during_form", "B"),
    ("expect", "clicked B"),
    ("click_during_form", "Log"),
    ("expect", "logged"),
    ("submit", {"data": 0}),  # the renderer sends the index of the clicked button ("yes")
]


def _errors(nb: object) -> list[str]:
    return [
        o.get("ename")
        for c in nb.cells
        for o in c.get("outputs", [])  # type: ignore[attr-defined]
        if o.get("output_type") == "error"
    ]


@pytest.mark.parametrize("kernel", ["python3", "ipykernel6"])
def test_bmi_notebook(kernel: str, request: pytest.FixtureRequest) -> None:
    kernel_name = request.getfixturevalue("ipykernel6") if kernel == "ipykernel6" else kernel
    nb, script = run_notebook(str(NOTEBOOKS / "bmi.ipynb"), BMI_STEPS, kernel_name=kernel_name)
    assert script.texts() == ["Your BMI: 20.8. Category: Normal"]
    assert not script.steps
    assert _errors(nb) == []


@pytest.mark.parametrize("kernel", ["python3", "ipykernel6"])
def test_run_all_three_inputs_with_validation(kernel: str, request: pytest.FixtureRequest) -> None:
    kernel_name = request.getfixturevalue("ipykernel6") if kernel == "ipykernel6" else kernel
    _nb, script = run_notebook(
        str(NOTEBOOKS / "three_inputs.ipynb"), THREE_STEPS, kernel_name=kernel_name
    )
    assert not script.steps
    assert script.texts() == ["**Ada** is 36; account `ada`"]
    updates = [c for w in script.widgets for c in w.received if c["command"] == "update_input"]
    feedback = [u["spec"]["attributes"].get("invalid_feedback") for u in updates]
    assert feedback == ["Please fill in this field.", "Age must be between 1 and 149"]
    # each input cell got its own root, and every form was removed after its answer
    forms = [w for w in script.widgets if any(c["command"] == "input_group" for c in w.received)]
    assert len(forms) == 3
    assert all(w.received[-1]["command"] == "destroy_form" for w in forms)


@pytest.mark.parametrize("kernel", ["python3", "ipykernel6"])
def test_callbacks_run_while_another_cell_blocks(
    kernel: str, request: pytest.FixtureRequest
) -> None:
    kernel_name = request.getfixturevalue("ipykernel6") if kernel == "ipykernel6" else kernel
    _nb, script = run_notebook(
        str(NOTEBOOKS / "callbacks.ipynb"), CALLBACK_STEPS, kernel_name=kernel_name
    )
    assert not script.steps
    by_root = {w.root_id: script.texts(w) for w in script.widgets}
    # the callback wrote into the cell that made the button, not the blocked one
    assert by_root["cell-1"] == ["clicked B"]
    assert by_root["cell-2"] == ["log scope lives in this cell", "logged"]
    assert by_root["cell-4"] == ["choice=yes clicks=['B']"]
    # ...and both callbacks ran while the actions() form blocked its cell: their
    # output arrived after the form was shown and before it was removed.
    log = [command for _, command in script.log]
    (shown,) = [i for i, c in enumerate(log) if c["command"] == "input_group"]
    (removed,) = [
        i
        for i, c in enumerate(log)
        if c["command"] == "destroy_form" and c["task_id"] == log[shown]["task_id"]
    ]
    for text in ("clicked B", "logged"):
        (at,) = [
            i
            for i, c in enumerate(log)
            if c["command"] == "output" and c["spec"].get("content") == text
        ]
        assert shown < at < removed, (text, shown, at, removed)


#: Slack over the handshake timeout for the failing cell (ping, error, reply).
HEADLESS_SLACK = 1.5


@pytest.mark.parametrize("timeout", ["5", "2"], ids=["readme-default-5s", "2s"])
def test_no_frontend_fails_fast(timeout: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """README: a notebook run with no frontend fails with NoFrontendError within the
    handshake timeout (PYWEBIO_NB_HANDSHAKE_TIMEOUT, default 5 s) instead of hanging."""
    monkeypatch.setenv("PYWEBIO_NB_HANDSHAKE_TIMEOUT", timeout)  # the kernel inherits it
    started = time.monotonic()
    nb, _ = run_notebook(str(NOTEBOOKS / "bmi.ipynb"), None, allow_errors=True)
    elapsed = time.monotonic() - started
    assert _errors(nb) == ["NoFrontendError"]
    (cell,) = [
        c for c in nb.cells if any(o.get("output_type") == "error" for o in c.get("outputs", []))
    ]
    (error,) = [o for o in cell.outputs if o.get("output_type") == "error"]
    assert f"within {timeout} s" in error["evalue"]
    # nbclient records when the kernel started the cell and when it replied
    timing = cell.metadata.execution
    started_cell = datetime.datetime.fromisoformat(timing["iopub.execute_input"].rstrip("Z"))
    replied = datetime.datetime.fromisoformat(timing["shell.execute_reply"].rstrip("Z"))
    cell_seconds = (replied - started_cell).total_seconds()
    assert float(timeout) <= cell_seconds < float(timeout) + HEADLESS_SLACK, cell_seconds
    # the whole run: kernel start and the other cells take a few seconds more
    assert elapsed < float(timeout) + 15, elapsed
