"""How a kernel session decides between a value and an awaitable (issue 12)."""

from __future__ import annotations

import asyncio
import warnings

from pywebio_nb.jupyter._kernel_session import Ready, _called_from_coroutine


def test_a_plain_caller_gets_values() -> None:
    assert not _called_from_coroutine()


def test_a_coroutine_caller_gets_awaitables() -> None:
    async def app() -> bool:
        return _called_from_coroutine()

    assert asyncio.run(app())


def test_a_plain_helper_called_by_a_coroutine_gets_values() -> None:
    def helper() -> bool:
        return _called_from_coroutine()

    async def app() -> bool:
        return helper()

    assert not asyncio.run(app())


def test_ready_is_awaited_at_once_and_silent_when_not_awaited() -> None:
    async def app() -> int:
        value: int = await Ready(3)
        return value

    assert asyncio.run(app()) == 3
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Ready(4)  # dropped unawaited: no "never awaited" warning


def test_a_pong_describes_the_browser_as_session_info() -> None:
    from pywebio_nb.jupyter._kernel_session import _browser_info
    from pywebio_nb.protocol import parse_event

    ua = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Mobile Safari/604.1"
    data = {"id": "p", "user_agent": ua, "language": "fr", "origin": "https://hub.example:8443"}
    event = parse_event({"event": "pong", "task_id": None, "data": data})
    info = _browser_info(dict(event["data"]))
    assert info.user_agent.is_mobile
    assert (info["user_language"], info.origin, info.server_host) == (
        "fr",
        "https://hub.example:8443",
        "hub.example:8443",
    )
    assert (info.backend, info.protocol, info.user_ip, info.request) == (
        "jupyter",
        "comm",
        "",
        None,
    )


def test_go_app_opens_the_other_app_on_the_server() -> None:
    from _apprun import AppRun

    from pywebio_nb.session import go_app

    run = AppRun(lambda: go_app("task_2", new_window=False))
    run.start().join()
    command = run.wait_command("run_script")
    assert command["spec"]["args"] == {"name": "task_2", "new_window": False}
    assert "'?app=' + encodeURIComponent(name)" in command["spec"]["code"]
    assert not run.errors


def test_multi_app_navigation_is_server_only() -> None:
    import pytest
    from _apprun import AppRun

    from pywebio_nb.exceptions import SessionException
    from pywebio_nb.output import put_link
    from pywebio_nb.session import go_app

    def app() -> None:
        put_link("task 2", url="https://example.org")  # a URL is fine anywhere
        with pytest.raises(SessionException, match="server-only"):
            go_app("task_2")
        with pytest.raises(SessionException, match=r"put_link\(app='task_2'\).*server-only"):
            put_link("task 2", app="task_2")

    run = AppRun(app)
    run.session.serves_apps = False  # as a notebook kernel's session
    run.start().join()
    assert not run.errors
    assert [c["spec"]["type"] for c in run.commands("output")] == ["link"]
    assert not run.commands("run_script")
