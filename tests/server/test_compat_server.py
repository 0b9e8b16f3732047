"""``import pywebio`` apps unchanged, on a real server: the manual's BMI, a pin app, a
battery app and a coroutine app written against ``pywebio`` run through
``pywebio_nb.compat`` (in-process, and as a file given to ``python -m
pywebio_nb.compat``); the alias refuses to shadow a real ``pywebio``."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _wsclient import TIMEOUT, Client, run, text_of

import pywebio_nb.compat as compat
from pywebio_nb.platform.tornado import ServerHandle
from tests import _compat_apps as apps

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def server() -> Iterator[ServerHandle]:
    """The four apps, loaded through the alias, served by the aliased start_server."""
    compat.install()
    try:
        import pywebio.platform.tornado as aliased  # type: ignore[import-not-found]

        assert aliased is sys.modules["pywebio_nb.platform.tornado"]
        handle: ServerHandle = aliased._start_server_in_thread(
            {name: apps.load(name) for name in apps.ALL}, host="127.0.0.1"
        )
    except BaseException:
        compat.uninstall()
        raise
    yield handle
    handle.stop()
    compat.uninstall()


async def shown(client: Client, content: str) -> None:
    await client.until("output", lambda c: text_of(c) == content)


async def drive(client: Client, app: str) -> None:
    """Play the browser for ``app`` until its final text shows."""
    if app == "bmi":
        for answer in apps.BMI_ANSWERS:
            form = await client.until("input_group")
            await client.submit(form, answer)
        await shown(client, apps.BMI_TEXT)
    elif app == "pin_app":
        await client.until("output", lambda c: "'name': 'b'" in repr(c["spec"]))
        name, value = apps.PIN_CHANGE
        await client.send("pin_change", None, {"name": name, "value": value})
        await shown(client, apps.PIN_TEXT)
    elif app == "battery_app":
        popup = await client.until("popup")
        actions = popup["spec"]["content"][-1]["input"]["name"]
        await client.send("pin_change", None, {"name": actions, "value": 0})
        await shown(client, apps.BATTERY_TEXT)
        log = [c["spec"]["text"] for c in client.received if c["command"] == "logbox"]
        assert "".join(log) == apps.BATTERY_LOG
        assert any(text_of(c) == "printed" for c in client.received)
    else:
        form = await client.until("input_group")
        await client.submit(form, apps.COROUTINE_ANSWER)
        await shown(client, apps.COROUTINE_TEXT)


@pytest.mark.parametrize("app", list(apps.ALL))
def test_pywebio_app_runs_unchanged(server: ServerHandle, app: str) -> None:
    async def body() -> None:
        client = await Client.connect(server, query=f"app={app}")
        await drive(client, app)

    run(body())


def test_aliased_modules_are_pywebio_nb_itself(server: ServerHandle) -> None:
    import pywebio  # type: ignore[import-not-found]
    import pywebio.input  # type: ignore[import-not-found]
    import pywebio.output  # type: ignore[import-not-found]
    import pywebio.pin  # type: ignore[import-not-found]
    import pywebio.platform.path_deploy  # type: ignore[import-not-found]
    import pywebio.platform.tornado_http  # type: ignore[import-not-found]
    import pywebio.session  # type: ignore[import-not-found]
    import pywebio_battery  # type: ignore[import-not-found]
    from pywebio.io_ctrl import Output  # type: ignore[import-not-found]

    import pywebio_nb.battery
    import pywebio_nb.platform.path_deploy
    import pywebio_nb.platform.tornado_http

    assert pywebio is pywebio_nb
    assert pywebio.output is pywebio_nb.output is sys.modules["pywebio.output"]
    assert pywebio.platform.tornado_http is pywebio_nb.platform.tornado_http
    assert pywebio.platform.path_deploy is pywebio_nb.platform.path_deploy
    assert pywebio_battery is pywebio_nb.battery
    assert Output is pywebio_nb.output.Output
    # the modules keep their own identity (the import system's bookkeeping is undone)
    assert pywebio.__spec__.name == "pywebio_nb"
    assert pywebio.output.__spec__.name == "pywebio_nb.output"
    assert pywebio.input.__name__ == "pywebio_nb.input"
    with pytest.raises(ModuleNotFoundError, match=r"pywebio_nb .* has no 'pywebio_nb\.nothing'"):
        import pywebio.nothing  # type: ignore[import-not-found]


# ------------------------------------------------------------ as a command
def _serve_file(tmp_path: Path, app: str, env: dict[str, str] | None = None) -> Any:
    """``python -m pywebio_nb.compat app.py`` serving ``app`` on a free port."""
    source = apps.ALL[app] + textwrap.dedent(f"""
        if __name__ == "__main__":
            import sys
            from pywebio import start_server
            print("argv", sys.argv[1:], flush=True)
            start_server({app}, port=0, host="127.0.0.1")
    """)
    path = tmp_path / f"{app}_file.py"
    path.write_text(source)
    return subprocess.Popen(
        [sys.executable, "-m", "pywebio_nb.compat", str(path), "--flag", "x"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.parametrize("app", ["bmi", "coro_app"])
def test_python_m_compat_runs_an_app_file(tmp_path: Path, app: str) -> None:
    process = _serve_file(tmp_path, app)
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "argv ['--flag', 'x']"
        line = process.stdout.readline().strip()  # "Serving on http://127.0.0.1:PORT/"
        assert line.startswith("Serving on http://127.0.0.1:"), line
        port = int(line.rsplit(":", 1)[1].strip("/"))
        handle: Any = type("Handle", (), {"port": port})()

        async def body() -> None:
            client = await Client.connect(handle, query="")
            await asyncio.wait_for(drive(client, app), TIMEOUT)

        run(body())
    finally:
        process.kill()
        process.wait(TIMEOUT)
        if process.stdout is not None:
            process.stdout.close()


# ---------------------------------------------------------------- refusal
@pytest.fixture
def fake_pywebio(tmp_path: Path) -> Path:
    """A folder holding a stand-in for the real pywebio package."""
    package = tmp_path / "site" / "pywebio"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("REAL = True\n")
    return package.parent


def test_the_command_refuses_too(tmp_path: Path, fake_pywebio: Path) -> None:
    app = tmp_path / "app.py"
    app.write_text("print('ran')\n")
    done = subprocess.run(
        [sys.executable, "-m", "pywebio_nb.compat", str(app)],
        env={**os.environ, "PYTHONPATH": f"{fake_pywebio}{os.pathsep}{REPO}"},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert done.returncode == 1
    assert "the real 'pywebio' package is installed" in done.stderr
    assert "ran" not in done.stdout
