"""pywebio_nb.testing: notebooks answered headless (list, mapping, function), clicks by
label, pins, uploads, eval_js; clear failures; NoFrontendError without answers; the
``pywebio-nb execute`` command; the ``pywebio_notebook`` pytest fixture.

Each test notebook is built here (tiny apps in the test) and its last cell prints
what the inputs returned as JSON, so the tests assert what the notebook received.
"""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
import time
from typing import Any

import nbformat
import pytest

from pywebio_nb.testing import (
    NO_ANSWER,
    NoFrontendError,
    NotebookTestError,
    Request,
    Upload,
    click,
    execute_notebook,
    run_notebook,
    set_pin,
)

REPO = pathlib.Path(__file__).resolve().parents[2]

IMPORTS = (
    "import json\n"
    "from pywebio_nb.input import *\n"
    "from pywebio_nb.output import put_buttons, put_text\n"
    "from pywebio_nb.pin import put_input, pin_wait_change\n"
    "from pywebio_nb.session import eval_js\n"
    "got = {}"
)

EVERY_KIND = [
    IMPORTS,
    "got['name'] = input('Your name')\ngot['age'] = input('Age', type=NUMBER)",
    "got['color'] = select('Color', ['Red', 'Green'])\n"
    "got['tags'] = checkbox('Tags', [('a', 1), ('b', 2), ('c', 3)])\n"
    "got['size'] = radio('Size', ['S', 'M'])",
    "got['go'] = actions('Go?', [('Yes', True), ('No', False)])",
    "got['account'] = input_group('Account', [input('User', name='user'),"
    " input('Password', name='pw', type=PASSWORD)])",
    "f = file_upload('File')\ngot['file'] = [f['filename'], f['content'].decode()]\n"
    "got['js'] = eval_js('1 + 1')",
    "put_input('p', label='Pin')\ngot['pin'] = pin_wait_change('p')",
    "put_buttons(['Hit'], onclick=lambda v: put_text('hit ' + v))\n"
    "got['done'] = actions('Done?', ['done'])",
    "print(json.dumps(got, sort_keys=True))",
]

EXPECTED = {
    "name": "Ada",
    "age": 36,
    "color": "Green",
    "tags": [1, 3],
    "size": "M",
    "go": True,
    "account": {"user": "ada", "pw": "secret"},
    "file": ["notes.txt", "hello"],
    "js": 2,
    "pin": {"name": "p", "value": "typed"},
    "done": "done",
}


def notebook(*sources: str) -> Any:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    return nb


def printed(nb: Any) -> Any:
    """The JSON the last cell printed."""
    outputs = nb.cells[-1].outputs
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    return json.loads(text)


def test_every_input_kind_from_a_list_with_clicks_and_pins(tmp_path: pathlib.Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    answers = [
        "Ada",
        36,  # str()-ed as a browser sends the typed text; NUMBER converts it
        "Green",
        ["a", "c"],  # checkbox by labels; the notebook gets the options' values
        "M",
        "Yes",
        {"User": "ada", "pw": "secret"},  # a group by label or name
        tmp_path / "notes.txt",
        2,  # eval_js
        set_pin("p", "typed"),
        click("Hit"),  # while actions('Done?') waits
        "done",
    ]
    out = tmp_path / "out.ipynb"
    run = execute_notebook(notebook(*EVERY_KIND), answers, output=out)
    assert printed(run.notebook) == EXPECTED
    assert "hit Hit" in run.texts
    assert printed(nbformat.read(out, as_version=4)) == EXPECTED  # written too


def test_a_mapping_and_a_function_answer_by_label() -> None:
    cells = [EVERY_KIND[0], *EVERY_KIND[1:6], EVERY_KIND[-1]]
    mapping = {
        "Your name": "Ada",
        "Age": "36",
        "Color": "Green",
        "Tags": ["a", "c"],
        "Size": "M",
        "Go?": "Yes",
        "Account": {"user": "ada", "Password": "secret"},
        "File": Upload("notes.txt", b"hello"),
        "1 + 1": 2,
    }
    expected = {k: v for k, v in EXPECTED.items() if k not in ("pin", "done")}
    assert printed(run_notebook(notebook(*cells), mapping)) == expected

    asked: list[Request] = []

    def answer(request: Request) -> Any:
        asked.append(request)
        if request.kind == "eval_js":
            return 2
        if not request.single:
            return {"user": "ada", "pw": "secret"}
        return mapping.get(request.fields[0].label, NO_ANSWER)

    assert printed(run_notebook(notebook(*cells), answer)) == expected
    kinds = [(r.kind, r.label or r.fields[0].label, r.cell) for r in asked]
    assert kinds[0] == ("form", "Your name", 1)
    assert ("form", "Account", 4) in kinds
    assert kinds[-1] == ("eval_js", "1 + 1", 5)
    assert asked[2].fields[0].options == ("Red", "Green")


def test_a_missing_answer_names_the_input_and_the_cell() -> None:
    nb = notebook(IMPORTS, "a = input('First')", "b = input('Second name')", "print('never')")
    started = time.monotonic()
    with pytest.raises(NotebookTestError, match=r"input 'Second name' in cell 2"):
        run_notebook(nb, ["one"], timeout=120)
    assert time.monotonic() - started < 60  # the kernel was interrupted, no cell timeout
    with pytest.raises(NotebookTestError, match=r"no answer for input 'First' in cell 1.*'First'"):
        run_notebook(nb, {"Second name": "x"})


def test_a_refused_answer_fails_with_the_validation_message() -> None:
    nb = notebook(
        IMPORTS, "n = input('Small', type=NUMBER, validate=lambda v: 'too big' if v > 9 else None)"
    )
    with pytest.raises(
        NotebookTestError, match=r"answer 12 to input 'Small' in cell 1 was refused: 'too big'"
    ):
        run_notebook(nb, {"Small": 12})
    run_notebook(nb, [12, 3])  # a list may hold the next try


def test_without_answers_no_frontend_error_fast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYWEBIO_NB_HANDSHAKE_TIMEOUT", "1")
    nb = notebook(IMPORTS, "input('Name')")
    with pytest.raises(NoFrontendError, match="pass answers="):
        run_notebook(nb)


def test_the_execute_command_end_to_end(tmp_path: pathlib.Path) -> None:
    nb_path = tmp_path / "app.ipynb"
    nbformat.write(
        notebook(
            IMPORTS,
            "put_buttons(['Log'], onclick=lambda v: put_text('logged'))\n"
            "got['name'] = input('Your name')\ngot['ok'] = actions('OK?', ['fine'])",
            "print(json.dumps(got, sort_keys=True))",
        ),
        nb_path,
    )
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(["Ada", {"click": "Log"}, "fine"]))
    out = tmp_path / "out.ipynb"
    cmd = [sys.executable, "-m", "pywebio_nb", "execute", str(nb_path), "--answers", str(answers)]
    done = subprocess.run([*cmd, "-o", str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert printed(nbformat.read(out, as_version=4)) == {"name": "Ada", "ok": "fine"}
    # a mapping without the second answer: exit 1 with the message
    answers.write_text(json.dumps({"Your name": "Ada"}))
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "no answer for actions 'OK?' in cell 1" in done.stderr


def test_the_pytest_fixture(tmp_path: pathlib.Path) -> None:
    nbformat.write(
        notebook(IMPORTS, "put_text('Hello ' + input('Your name'))"), tmp_path / "hello.ipynb"
    )
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["pywebio_nb.testing.pytest_plugin"]\n')
    (tmp_path / "test_hello.py").write_text(
        "def test_hello(pywebio_notebook):\n"
        "    run = pywebio_notebook('hello.ipynb', ['Ada'])\n"
        "    assert run.texts == ['Hello Ada']\n"
        "    assert 'Hello Ada' in run.outputs_text()\n"
        "    assert run.notebook.cells[1].execution_count == 2\n"
        "\n"
        "def test_missing(pywebio_notebook):\n"
        "    run = pywebio_notebook('hello.ipynb', [])\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert "1 failed, 1 passed" in done.stdout, done.stdout + done.stderr
    assert "NotebookTestError: no answer for input 'Your name' in cell 1" in done.stdout
