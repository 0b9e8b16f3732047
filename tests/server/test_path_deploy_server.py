"""path_deploy on a real loopback server, config() and themes as served pages.

A directory of tiny app files is written per test; apps run over the protocol
client at their path; the traversal table sends raw request paths (no client
normalization) and expects 404 for every one.
"""

from __future__ import annotations

import asyncio
import http.client
import os
import pathlib
import re
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import tornado.httpclient
import tornado.websocket
from _wsclient import TIMEOUT, Client, run, text_of
from test_tornado_http_server import HttpClient

from pywebio_nb.output import put_text
from pywebio_nb.platform import config
from pywebio_nb.platform._page import STATIC_PATH
from pywebio_nb.platform._server import ServerHandle
from pywebio_nb.platform.path_deploy import _path_deploy_in_thread, main

APP = """
from pywebio_nb.output import put_text
{decorator}
def main():
    {doc!r}
    put_text({text!r})
"""


def write_app(path: pathlib.Path, text: str, doc: str = "", decorator: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if decorator:
        decorator = f"from pywebio_nb import config\n{decorator}"
    path.write_text(APP.format(text=text, doc=doc, decorator=decorator))


@pytest.fixture
def tree(tmp_path: pathlib.Path) -> pathlib.Path:
    base = tmp_path / "apps"
    write_app(base / "c.py", "c v1", "C app\n\nThe c application")
    write_app(base / "A" / "a.py", "in a", decorator='@config(title="Title of a")')
    write_app(base / "A" / "sub" / "deep.py", "deep")
    write_app(base / "B" / "index.py", "B's own index")
    write_app(base / "B" / "b.py", "in b")
    write_app(base / "_hidden.py", "hidden")
    write_app(base / "A" / "_private.py", "private")
    write_app(base / "_dir" / "x.py", "x in _dir")
    write_app(base / ".dot.py", "dot")
    (base / "nomain.py").write_text("VALUE = 1\n")
    (base / "broken.py").write_text("raise ValueError('broken on purpose')\ndef main(): pass\n")
    (base / "notes.txt").write_text("not an app")
    outside = tmp_path / "outside"
    write_app(outside / "evil.py", "EVIL")
    (outside / "secret.txt").write_text("secret")
    (base / "out").symlink_to(outside, target_is_directory=True)
    (base / "A" / "evil.py").symlink_to(outside / "evil.py")
    (base / "alias.py").symlink_to(base / "c.py")  # a link inside the root is fine
    return base


@pytest.fixture
def deploy() -> Iterator[Callable[..., ServerHandle]]:
    handles: list[ServerHandle] = []

    def start(base: pathlib.Path, **kwargs: Any) -> ServerHandle:
        handle = _path_deploy_in_thread(base, **kwargs)
        handles.append(handle)
        return handle

    yield start
    for handle in handles:
        handle.stop()


def raw_get(server: ServerHandle, path: str) -> tuple[int, str, dict[str, str]]:
    """GET ``path`` exactly as given (http.client sends it unnormalized)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace"), dict(response.headers)
    finally:
        conn.close()


async def connect(server: ServerHandle, path: str) -> Client:
    if "session=" not in path:
        path += ("&" if "?" in path else "?") + "session=NEW"
    request = tornado.httpclient.HTTPRequest(f"ws://127.0.0.1:{server.port}{path}")
    conn = await asyncio.wait_for(tornado.websocket.websocket_connect(request), TIMEOUT)
    return Client(conn)


async def first_text(server: ServerHandle, path: str) -> str | None:
    client = await connect(server, path)
    command = await client.until("output", lambda c: c["spec"]["type"] == "text")
    return text_of(command)


# ------------------------------------------------------------------------ apps
@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/c", "c v1"),
        ("/A/a", "in a"),
        ("/A/sub/deep", "deep"),
        ("/B/", "B's own index"),  # index.py overrides the index
        ("/B/b", "in b"),
        ("/alias", "c v1"),
    ],
)
def test_app_runs_at_its_path(tree: pathlib.Path, deploy: Any, path: str, text: str) -> None:
    server = deploy(tree)
    status, page, _ = raw_get(server, path)
    assert status == 200 and '<script type="module"' in page
    assert run(first_text(server, path)) == text


def test_page_title_from_docstring_and_config(tree: pathlib.Path, deploy: Any) -> None:
    server = deploy(tree)
    page = raw_get(server, "/c")[1]
    assert "<title>C app</title>" in page
    assert '<meta name="description" content="The c application">' in page
    assert "<title>Title of a</title>" in raw_get(server, "/A/a")[1]


def test_reload_executes_the_file_again(tree: pathlib.Path, deploy: Any) -> None:
    server = deploy(tree)
    assert run(first_text(server, "/c")) == "c v1"
    write_app(tree / "c.py", "c v2")
    assert run(first_text(server, "/c")) == "c v1"  # cached until ?reload
    assert raw_get(server, "/c?reload")[0] == 200
    assert run(first_text(server, "/c")) == "c v2"


def test_generated_index_lists_apps_with_titles_and_directories(
    tree: pathlib.Path, deploy: Any
) -> None:
    server = deploy(tree)
    status, page, _ = raw_get(server, "/")
    assert status == 200
    links = re.findall(r'<a href="([^"]+)">([^<]*)</a>', page)
    assert ("c", "C app") in links
    assert ("alias", "C app") in links
    assert ("A/", "A/") in links and ("B/", "B/") in links
    assert ("broken", "broken") in links  # an app, even if it fails to load
    assert "The c application" in page
    hrefs = [href for href, _ in links]
    for hidden in ("_hidden", "_dir/", ".dot", "nomain", "notes", "out/"):
        assert hidden not in hrefs, (hidden, hrefs)
    # titles from @config(title=...), read without running the file
    sub = raw_get(server, "/A/")[1]
    assert ("a", "Title of a") in re.findall(r'<a href="([^"]+)">([^<]*)</a>', sub)
    assert "_private" not in sub and ("sub/", "sub/") in re.findall(
        r'<a href="([^"]+)">([^<]*)</a>', sub
    )


def test_directory_without_slash_redirects(tree: pathlib.Path, deploy: Any) -> None:
    server = deploy(tree)
    status, _, headers = raw_get(server, "/A?x=1")
    assert status in (301, 302) and headers["Location"] == "/A/?x=1"


def test_index_false_and_index_function(tree: pathlib.Path, deploy: Any) -> None:
    assert raw_get(deploy(tree, index=False), "/A/")[0] == 404
    seen: list[str] = []

    def index(path: str) -> str:
        seen.append(path)
        return "<p>custom <b>index</b></p>"

    status, page, _ = raw_get(deploy(tree, index=index), "/A/")
    assert status == 200 and "<p>custom <b>index</b></p>" in page
    assert seen == [str((tree / "A").resolve())]


def test_app_failing_to_load_is_a_500(tree: pathlib.Path, deploy: Any) -> None:
    status, body, _ = raw_get(deploy(tree), "/broken")
    assert status == 500 and "ValueError: broken on purpose" in body
    assert "Traceback" not in body and str(tree) not in body  # no paths without debug
    # debug without autoreload: it would restart this test process on file changes
    status, body, _ = raw_get(deploy(tree, debug=True, autoreload=False), "/broken")
    assert status == 500 and "Traceback" in body and "broken on purpose" in body


# ------------------------------------------------------------------ traversal
TRAVERSAL = [
    "/_hidden",
    "/A/_private",
    "/_dir/x",
    "/_dir/",
    "/.dot",
    "/nomain",
    "/notes.txt",
    "/notes",
    "/c.py",
    "/../outside/evil",
    "/A/../../outside/evil",
    "/A/..",
    "/%2e%2e/outside/evil",
    "/A/%2e%2e/%2e%2e/outside/evil",
    "/A%2fa",
    "/A%2Fa",
    "/A%252fa",
    "/%252e%252e/outside/evil",
    "/..%2foutside/evil",
    "/..%5coutside%5cevil",
    "/A\\a",
    "//c",
    "/A//a",
    "/%2fetc/passwd",
    "/etc/passwd",
    "/out/evil",  # a symlinked directory leading out of the root
    "/out/",
    "/A/evil",  # a symlinked file leading out of the root
    "/c%00",
    "/%00/c",
    "/c%20",
    "/C:/Windows/win",
    "/nonexistent",
    "/A/nonexistent/",
]


@pytest.mark.parametrize("path", TRAVERSAL)
def test_traversal_and_hidden_paths_are_404(tree: pathlib.Path, deploy: Any, path: str) -> None:
    server = deploy(tree)
    status, body, _ = raw_get(server, path)
    assert status == 404, (path, status, body[:200])
    assert "EVIL" not in body and "secret" not in body


@pytest.mark.parametrize("path", ["/_hidden", "/out/evil", "/A/evil", "/%2e%2e/outside/evil"])
def test_refused_paths_open_no_session(tree: pathlib.Path, deploy: Any, path: str) -> None:
    server = deploy(tree)

    async def body() -> None:
        with pytest.raises(tornado.httpclient.HTTPClientError) as info:
            await connect(server, path)
        assert info.value.code == 404

    run(body())


def test_frontend_and_static_dir_are_served(
    tree: pathlib.Path, deploy: Any, tmp_path: pathlib.Path
) -> None:
    static = tmp_path / "static"
    static.mkdir()
    (static / "x.txt").write_text("static file")
    server = deploy(tree, static_dir=str(static))
    assert raw_get(server, "/static/x.txt")[1] == "static file"
    page = raw_get(server, "/c")[1]
    src = re.search(r'<script type="module" src="([^"]+)"', page)
    assert src and src.group(1).startswith("/_pywebio_nb/page.js")
    assert raw_get(server, src.group(1))[0] == 200


def test_command_help_and_bad_directory(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    assert "--static-dir" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        main(["/nonexistent/dir"])
    assert exit_info.value.code == 2


def test_command_serves_a_directory(tree: pathlib.Path) -> None:
    # The console script's entry point, in its own process on a free port.
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pywebio_nb.platform.path_deploy",
            str(tree),
            "-p",
            "0",
            "-H",
            "127.0.0.1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        lines = []
        match = None
        while match is None and len(lines) < 20:
            lines.append(proc.stdout.readline())
            match = re.search(r"http://[^/\s]+:(\d+)/", lines[-1])
        assert match, lines
        with urllib.request.urlopen(f"http://127.0.0.1:{match.group(1)}/c", timeout=TIMEOUT) as r:
            assert "<title>C app</title>" in r.read().decode()
    finally:
        proc.terminate()
        proc.wait(timeout=TIMEOUT)
        if proc.stdout is not None:
            proc.stdout.close()


# ------------------------------------------------------- config and themes, served
@pytest.mark.parametrize("theme", ["dark", "sketchy", "minty", "yeti"])
def test_theme_css_is_served_compressed_and_offline(serve: Any, theme: str) -> None:
    server = serve(config(theme=theme)(lambda: put_text("x")))
    page = raw_get(server, "/")[1]
    href = re.search(r'href="(/_pywebio_nb/themes/[a-z]+\.css\?v=[0-9a-f]+)"', page)
    assert href and f"/themes/{theme}.css" in href.group(1)
    request = urllib.request.Request(server.url.rstrip("/") + href.group(1))
    request.add_header("Accept-Encoding", "gzip")
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert response.headers["Content-Type"].startswith("text/css")
    css = (pathlib.Path(STATIC_PATH) / "themes" / f"{theme}.css").read_text()
    assert "@import" not in css and "fonts.googleapis" not in css
    assert ":host" in css and ":root" not in css  # scoped to the renderer's shadow root


def test_default_theme_page_has_no_theme_link(serve: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    server = serve(lambda: put_text("x"))
    assert "/themes/" not in raw_get(server, "/")[1]
    monkeypatch.setenv("PYWEBIO_THEME", "yeti")
    assert "/themes/yeti.css" in raw_get(server, "/")[1]


def test_config_applied_to_the_served_page(serve: Any) -> None:
    @config(
        js_file="/static/x.js", css_style="p{color:red}</style><b>", js_code="var a='</script>'"
    )
    def app() -> None:
        """Served title"""
        put_text("x")

    server = serve(app)
    page = raw_get(server, "/")[1]
    assert "<title>Served title</title>" in page
    assert '<script defer src="/static/x.js"></script>' in page
    assert "<style data-pywebio-nb-shadow>p{color:red}<\\/style><b></style>" in page
    assert "<script>var a='<\\/script>'</script>" in page


def test_cdn_url_is_used_by_the_served_page(serve: Any) -> None:
    server = serve(lambda: put_text("x"), cdn="http://127.0.0.1:9/nb")
    page = raw_get(server, "/")[1]
    assert '<script type="module" src="http://127.0.0.1:9/nb/page.js?v=' in page
    assert "/_pywebio_nb/" not in page


# ------------------------------------------------------------ the example directory
EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "deploy"


def test_example_directory(deploy: Any) -> None:
    server = deploy(EXAMPLE)
    links = re.findall(r'<a href="([^"]+)">([^<]*)</a>', raw_get(server, "/")[1])
    assert ("bmi", "BMI calculator") in links and ("tools/", "tools/") in links
    assert not any(href.startswith("_") for href, _ in links)
    assert raw_get(server, "/_lib/helpers")[0] == 404
    assert "<title>Clock (dark theme)</title>" in raw_get(server, "/tools/dark_clock")[1]

    async def body() -> None:
        client = await connect(server, "/bmi")
        form = await client.until("input_group")
        await client.submit(form, 170)
        form = await client.until("input_group")
        await client.submit(form, 60)
        text = await client.until("output", lambda c: c["spec"]["type"] == "text")
        assert text_of(text) == "Your BMI: 20.8. Category: Normal"
        index = await connect(server, "/tools/")
        await index.until("output", lambda c: c["spec"]["type"] == "markdown")

    run(body())


# ------------------------------------------------------------------- reconnect
def test_a_dropped_app_page_resumes_at_its_path(tree: pathlib.Path, deploy: Any) -> None:
    (tree / "ask.py").write_text(
        "from pywebio_nb.input import input\n"
        "from pywebio_nb.output import put_text\n"
        "def main():\n"
        "    put_text('hello ' + input('Name'))\n"
    )
    server = deploy(tree, reconnect_timeout=30)

    async def body() -> None:
        first = await connect(server, "/ask")
        session_id = (await first.until("set_session_id"))["spec"]
        form = await first.until("input_group")
        applied = first.frames
        first.conn.protocol.stream.close()  # type: ignore[union-attr]  # no close frame
        second = await connect(server, f"/ask?session={session_id}&ack={applied}")
        await second.submit(form, "Ada", form["spec"]["inputs"][0]["name"])
        text = await second.until("output", lambda c: c["spec"]["type"] == "text")
        assert text_of(text) == "hello Ada"

    run(body())


# ---------------------------------------------------------------- HTTP polling
def _http_client(server: ServerHandle, path: str) -> HttpClient:
    client = HttpClient(server)
    client.url = f"http://127.0.0.1:{server.port}{path}"
    return client


def test_path_deploy_http_runs_the_example_over_polling(deploy: Any) -> None:
    server = deploy(EXAMPLE, http=True, session_expire_seconds=30)
    status, page, _ = raw_get(server, "/bmi")
    assert status == 200 and 'id="pywebio-nb-root" data-transport="http"' in page
    assert "<title>BMI calculator</title>" in page
    assert "BMI calculator" in raw_get(server, "/")[1]  # the generated index
    client = _http_client(server, "/bmi")
    try:
        client.start()
        form = client.until("input_group")
        assert client.submit(form, 170) == 204
        form = client.until("input_group")
        assert client.submit(form, 60) == 204
        client.until("close_session")
        texts = [c["spec"].get("content") for c in client.commands if c["command"] == "output"]
        assert "Your BMI: 20.8. Category: Normal" in texts
    finally:
        client.close()


@pytest.mark.parametrize("path", ["/_lib/helpers", "/../bmi", "/%2e%2e/x", "/tools%2fdark_clock"])
def test_path_deploy_http_refuses_hidden_and_traversal(deploy: Any, path: str) -> None:
    server = deploy(EXAMPLE, http=True)
    assert raw_get(server, path)[0] == 404
    client = _http_client(server, path)
    try:
        assert client._fetch("GET").code == 404  # no session is created there
        assert client._fetch("POST", b"[]").code == 404
    finally:
        client.close()


def test_command_http_option(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, dict[str, Any]]] = []
    # (pywebio_nb.platform.path_deploy is the function there, as in PyWebIO: take the module)
    module = sys.modules["pywebio_nb.platform.path_deploy"]
    monkeypatch.setattr(module, "path_deploy_http", lambda base, **kw: calls.append((base, kw)))
    main([str(tmp_path), "--http", "--session-expire-seconds", "5", "-p", "9"])
    assert calls == [
        (
            str(tmp_path),
            {
                "session_expire_seconds": 5.0,
                "session_cleanup_interval": None,
                "port": 9,
                "host": "",
                "index": True,
                "static_dir": None,
                "cdn": True,
                "debug": False,
                "allowed_origins": None,
                "max_payload_size": "200M",
            },
        )
    ]


def test_path_deploy_http_reloads_on_the_page_load_only(
    tree: pathlib.Path, deploy: Any, tmp_path: pathlib.Path
) -> None:
    runs = tmp_path / "runs.txt"
    (tree / "counted.py").write_text(
        f"with open({str(runs)!r}, 'a') as f:\n    f.write('x')\n"
        "from pywebio_nb.input import input\n"
        "def main():\n"
        "    input('wait')\n"
    )
    server = deploy(tree, http=True)
    assert raw_get(server, "/counted?reload")[0] == 200
    assert runs.read_text() == "x"
    client = _http_client(server, "/counted?reload")  # the page's polls carry ?reload too
    try:
        client.start()
        client.until("input_group")
    finally:
        client.close()
    assert runs.read_text() == "x"  # polls did not execute the file again
