"""``pywebio-nb serve app.py|nb.ipynb``: the command in a subprocess, driven over the protocol.

Plus the notebook loader's refusals (``load_notebook_app``), which the command
prints before anything listens, and the ``pywebio-nb`` subcommand registry.
"""

from __future__ import annotations

import contextlib
import json
import os
import pathlib
import re
import select
import signal
import socket
import subprocess
import sys
import traceback
import types
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from _wsclient import Client, run, text_of

from pywebio_nb import _cli
from pywebio_nb.platform._notebook_app import NotebookAppError, load_notebook_app

APP_PY = """
from pywebio_nb.input import input
from pywebio_nb.output import put_text

def main():
    put_text("ready")
    put_text("hello " + input("Your name"))

if __name__ == "__main__":
    raise SystemExit("the __main__ block must not run when served")
"""


def code(source: str, tags: Sequence[str] = ()) -> dict[str, Any]:
    metadata = {"tags": list(tags)} if tags else {}
    return {"cell_type": "code", "metadata": metadata, "source": source, "outputs": []}


def write_notebook(path: pathlib.Path, *cells: dict[str, Any], nbformat: int = 4) -> pathlib.Path:
    path.write_text(json.dumps({"nbformat": nbformat, "metadata": {}, "cells": list(cells)}))
    return path


@contextlib.contextmanager
def serve(*args: str, cwd: pathlib.Path, port: int = 0) -> Iterator[types.SimpleNamespace]:
    """``python -m pywebio_nb serve ARGS --port PORT``; yields an object with the port."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "pywebio_nb", "serve", *args, "--port", str(port)],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # returns at the first line or at the exit
        match = re.match(r"Serving on http://127\.0\.0\.1:(\d+)/", line)
        assert match, f"no URL printed: {line!r} {proc.stderr.read() if proc.stderr else ''}"
        yield types.SimpleNamespace(port=int(match.group(1)), proc=proc)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


async def next_text(client: Client) -> str:
    return str(text_of(await client.until("output", lambda c: text_of(c) is not None)))


async def answer(client: Client, value: str) -> None:
    form = await client.until("input_group")
    await client.submit(form, value, name=form["spec"]["inputs"][0]["name"])


def test_serve_a_py_app_then_sigterm_stops_it(tmp_path: pathlib.Path) -> None:
    (tmp_path / "app.py").write_text(APP_PY)
    with serve("app.py", cwd=tmp_path) as server:

        async def body() -> None:
            client = await Client.connect(server)  # type: ignore[arg-type]
            assert await next_text(client) == "ready"
            await answer(client, "Ann")
            assert await next_text(client) == "hello Ann"

        run(body())
        os.killpg(server.proc.pid, signal.SIGTERM)
        assert server.proc.wait(timeout=10) == 0


def test_serve_a_notebook_runs_in_its_directory(tmp_path: pathlib.Path) -> None:
    nb_dir = tmp_path / "nbs"
    nb_dir.mkdir()
    (nb_dir / "data.txt").write_text("from the data file")
    write_notebook(
        nb_dir / "nb.ipynb",
        code("from pywebio_nb.input import input\nfrom pywebio_nb.output import put_text"),
        code("import sys\nsys.exit('a skip-app cell ran')", tags=["skip-app"]),
        # Relative paths mean the notebook's directory, as in its kernel.
        code("put_text(open('data.txt').read())"),
        code("n = 0\nn += 1\nput_text(f'visit {n}')\nput_text('hi ' + input('Name'))"),
    )
    with serve(str(nb_dir / "nb.ipynb"), cwd=tmp_path) as server:

        async def body() -> None:
            for name in ("Ann", "Bob"):  # one run of the cells per visitor
                client = await Client.connect(server)  # type: ignore[arg-type]
                assert await next_text(client) == "from the data file"
                assert await next_text(client) == "visit 1"
                await answer(client, name)
                assert await next_text(client) == f"hi {name}"
                await client.aclose()

        run(body())


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ([code("x = 1"), code("%pip install foo")], "nb.ipynb cell 2 uses IPython syntax ('%pip"),
        ([code("files = !ls")], "nb.ipynb cell 1 uses IPython syntax ('files = !ls')"),
        ([code("%%time\nx = 1")], "cell 1 uses IPython syntax ('%%time')"),
        ([code("len?")], "cell 1 uses IPython syntax"),
        ([code("x = 1"), code("def f(:\n  pass")], "nb.ipynb cell 2 has a syntax error on line 1"),
    ],
)
def test_notebooks_that_cannot_be_apps_name_the_cell(
    tmp_path: pathlib.Path, cells: list[dict[str, Any]], message: str
) -> None:
    path = write_notebook(tmp_path / "nb.ipynb", *cells)
    with pytest.raises(NotebookAppError) as info:
        load_notebook_app(path)
    assert message in str(info.value)
    # Tagged skip-app, the same cells load.
    write_notebook(path, *[{**c, "metadata": {"tags": ["skip-app"]}} for c in cells])
    assert callable(load_notebook_app(path))


def test_notebook_loader_refuses_other_formats(tmp_path: pathlib.Path) -> None:
    with pytest.raises(NotebookAppError, match="nbformat 3 is not supported"):
        load_notebook_app(write_notebook(tmp_path / "old.ipynb", nbformat=3))
    (tmp_path / "junk.ipynb").write_text("{not json")
    with pytest.raises(NotebookAppError, match=r"junk\.ipynb: not a readable notebook"):
        load_notebook_app(tmp_path / "junk.ipynb")


def test_debug_mode_serves_the_edited_notebook(tmp_path: pathlib.Path) -> None:
    nb_dir = tmp_path / "nbs"
    nb_dir.mkdir()

    def write(version: int) -> None:
        write_notebook(
            nb_dir / "nb.ipynb",
            code(f"from pywebio_nb.output import put_text\nput_text('version {version}')"),
        )

    async def text() -> str:
        client = await Client.connect(server)  # type: ignore[arg-type]
        found = await next_text(client)
        await client.aclose()
        return found

    write(1)
    # A relative path from another directory: the restart must still find the file.
    with socket.socket() as probe:  # a fixed port: the restarted server binds it again
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    with serve("nbs/nb.ipynb", "--debug", cwd=tmp_path, port=port) as server:
        assert run(text()) == "version 1"
        write(2)
        # The restarted process prints its URL again once it listens (same port).
        # Tornado's autoreload takes its first reading of the file's mtime on its first
        # check (every 0.5 s): if the edit came before that reading, it is the baseline
        # and nothing restarts. So each wait that sees no restart moves the mtime on
        # again; the first edit after the baseline restarts the server.
        assert server.proc.stdout is not None
        stamp = (nb_dir / "nb.ipynb").stat().st_mtime
        for attempt in range(1, 11):
            ready, _, _ = select.select([server.proc.stdout], [], [], 3)
            if ready:
                break
            os.utime(nb_dir / "nb.ipynb", (stamp + attempt, stamp + attempt))
        assert ready, "the server did not restart after the notebook changed"
        line = server.proc.stdout.readline()
        assert line.startswith(f"Serving on http://127.0.0.1:{server.port}/"), line
        assert run(text()) == "version 2"


def test_serve_refuses_before_listening(tmp_path: pathlib.Path) -> None:
    write_notebook(tmp_path / "bad.ipynb", code("!ls"))
    (tmp_path / "nomain.py").write_text("x = 1\n")
    for target, expected in (
        ("bad.ipynb", "bad.ipynb cell 1 uses IPython syntax"),
        ("nomain.py", "no main() function"),
        ("missing.py", "is not a file"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "pywebio_nb", "serve", target, "--port", "0"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2, (target, done)
        assert expected in done.stderr and "Serving" not in done.stdout


def test_cli_lists_registered_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        _cli.main(["--help"])
    out = " ".join(capsys.readouterr().out.split())  # argparse wraps the help lines
    for command in _cli.SUBCOMMANDS:
        assert command.name in out and command.help in out
    with pytest.raises(SystemExit) as info:
        _cli.main(["no-such-command"])
    assert info.value.code == 2


def test_tracebacks_name_the_cell_and_show_its_line(tmp_path: pathlib.Path) -> None:
    app = load_notebook_app(
        write_notebook(tmp_path / "err.ipynb", code("x = 1"), code("y = 2\nz = x / 0"))
    )
    with pytest.raises(ZeroDivisionError) as info:
        app()  # no PyWebIO call in these cells: runs without a session
    text = "".join(traceback.format_exception(info.value))
    assert 'File "<err.ipynb cell 2>", line 2' in text and "z = x / 0" in text
