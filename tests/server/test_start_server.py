"""The public ``start_server`` as a user runs it: a script in its own process.

Every other server test goes through the in-process helper; these write a tiny
app script, run it with the same interpreter, wait for the port it was given
(by reading the process's output), drive one ``input()`` over the WebSocket
and stop the process by its PID. The parameters that need no process of their
own (``debug``, ``**tornado_app_settings``) are checked in-process at the end.
"""

from __future__ import annotations

import pathlib
import signal
import socket
import threading
import types
import urllib.error
import urllib.request
from typing import Any

import pytest
import tornado.autoreload
import tornado.web
from _script_server import ScriptProcess, fake_browser, script_env
from _wsclient import Client, run, text_of

from pywebio_nb.output import put_text
from pywebio_nb.platform import tornado as pywebio_tornado

APP = """\
import gc
import sys

from pywebio_nb import start_server
from pywebio_nb.input import input
from pywebio_nb.output import put_text


def greet():
    \"\"\"Greeter

    Asks for a name.
    \"\"\"
    put_text("gc thresholds %s %s %s" % gc.get_threshold())
    put_text("Hello, " + input("Your name"))


start_server(greet, port=int(sys.argv[1]), host="127.0.0.1")
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_start_server_script(tmp_path: pathlib.Path) -> None:
    script = tmp_path / "greeter.py"
    script.write_text(APP)
    port = _free_port()
    with ScriptProcess(script, str(port)) as server:
        assert server.serving_url() == f"http://127.0.0.1:{port}/"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            page = response.read().decode()
        assert "<title>Greeter</title>" in page

        async def body() -> None:
            client = await Client.connect(types.SimpleNamespace(port=port))  # type: ignore[arg-type]
            # Full collections ten times rarer while the script serves (platform._gc).
            assert text_of(await client.until("output")) == "gc thresholds 700 10 100"
            form = await client.until("input_group")
            assert form["spec"]["inputs"][0]["label"] == "Your name"
            await client.submit(form, "Ada")
            assert text_of(await client.until("output")) == "Hello, Ada"
            await client.until("close_session")
            await client.closed()

        run(body())
        assert server.proc.poll() is None, "the server must keep serving after a session ended"


APP_PORT_0 = APP.replace(
    'start_server(greet, port=int(sys.argv[1]), host="127.0.0.1")',
    'start_server(greet, port=0, host="127.0.0.1", auto_open_webbrowser=True)\nprint("RETURNED")',
)


def test_port_0_prints_the_url_opens_the_browser_and_sigterm_stops_cleanly(
    tmp_path: pathlib.Path,
) -> None:
    script = tmp_path / "greeter.py"
    script.write_text(APP_PORT_0)
    env = script_env(BROWSER=str(fake_browser(tmp_path)))
    with ScriptProcess(script, env=env) as server:
        url = server.serving_url()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/"), url
        port = int(url.rsplit(":", 1)[1].rstrip("/"))
        assert port != 0
        opened = server.wait_for("FAKE-BROWSER-OPENED").strip()
        assert opened == f"FAKE-BROWSER-OPENED {url}"

        async def body() -> None:
            client = await Client.connect(types.SimpleNamespace(port=port))  # type: ignore[arg-type]
            await client.submit(await client.until("input_group"), "Bo")
            assert text_of(await client.until("output")) == "Hello, Bo"
            await client.closed()

        run(body())
        # SIGTERM stops the server cleanly: start_server returns, the script ends.
        server.send_signal(signal.SIGTERM)
        returncode, out = server.finish()
        assert returncode == 0, out
        assert "RETURNED" in out


def _hello() -> None:
    put_text("hello")


@pytest.mark.parametrize("debug", [True, False])
def test_debug_starts_autoreload_on_the_serving_loop(
    serve: Any, monkeypatch: pytest.MonkeyPatch, debug: bool
) -> None:
    started_in: list[str] = []
    # Recorded instead of run: a real autoreload would re-execute pytest.
    monkeypatch.setattr(
        tornado.autoreload, "start", lambda: started_in.append(threading.current_thread().name)
    )
    application, _config = pywebio_tornado._make_application(_hello, debug=debug)
    assert application.settings["autoreload"] is debug
    assert application.settings.get("serve_traceback", False) is debug
    serve(_hello, debug=debug)
    # Once, on the server's own loop, never while building the Application.
    assert started_in == (["pywebio-nb-server"] if debug else [])


class _Teapot(tornado.web.RequestHandler):
    def get(self) -> None:
        self.set_status(418)
        self.finish("teapot")


def test_tornado_app_settings_are_passed_to_the_application(serve: Any) -> None:
    server = serve(_hello, default_handler_class=_Teapot)
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(server.url + "no/such/page", timeout=10)
    with caught.value as error:
        assert (error.code, error.read()) == (418, b"teapot")
