"""pywebio_nb.platform._origin: who may open an app's WebSocket (manual, start_server:
``allowed_origins`` and ``check_origin``). The server's own host is always allowed."""

from __future__ import annotations

from typing import Any

import pytest

from pywebio_nb.platform._origin import make_origin_check

HOST = "app.example.com:8080"  # the Host header the browser sent


@pytest.mark.parametrize(
    ("origin", "host", "allowed"),
    [
        ("http://app.example.com:8080", HOST, True),
        ("https://app.example.com:8080", HOST, True),  # host and port decide, not scheme
        ("http://APP.Example.com:8080", HOST, True),  # host names are case-insensitive
        ("http://app.example.com:8080", "APP.EXAMPLE.COM:8080", True),
        ("http://app.example.com", "app.example.com", True),
        ("http://app.example.com:9090", HOST, False),  # another port is another origin
        ("http://app.example.com", HOST, False),
        ("http://evil.example", HOST, False),
        ("http://app.example.com.evil.example:8080", HOST, False),
        ("http://evil.example/app.example.com:8080", HOST, False),
        ("null", HOST, False),  # sandboxed iframes and file:// pages
        ("", HOST, False),
    ],
)
def test_only_the_same_host_by_default(origin: str, host: str, allowed: bool) -> None:
    assert make_origin_check()(origin, host) is allowed


@pytest.mark.parametrize(
    ("patterns", "origin", "allowed"),
    [
        # the manual's examples
        (["https://*.example.com"], "https://app.example.com", True),
        (["https://*.example.com"], "https://a.b.example.com", True),
        (["https://*.example.com"], "http://app.example.com", False),
        (["https://*.example.com"], "https://example.com", False),
        (["https://*.example.com"], "https://app.example.com.evil.test", False),
        (["*://*.example.com"], "http://app.example.com", True),
        (["*://*.example.com"], "wss://x.example.com", True),
        # the other shell wildcards
        (["http://app?.test"], "http://app1.test", True),
        (["http://app?.test"], "http://app12.test", False),
        (["http://app[12].test"], "http://app2.test", True),
        (["http://app[!12].test"], "http://app2.test", False),
        (["http://app[!12].test"], "http://app3.test", True),
        (["*"], "http://anything.test:1", True),
        # several patterns: any may match
        (["http://a.test", "http://b.test"], "http://b.test", True),
        (["http://a.test", "http://b.test"], "http://c.test", False),
        ([], "http://a.test", False),
    ],
)
def test_allowed_origins_patterns(patterns: list[str], origin: str, allowed: bool) -> None:
    assert make_origin_check(allowed_origins=patterns)(origin, HOST) is allowed


def test_allowed_origins_may_be_a_single_string() -> None:
    check = make_origin_check(allowed_origins="https://*.example.com")  # type: ignore[arg-type]
    assert check("https://app.example.com", HOST)
    # not taken letter by letter as a list of one-character patterns
    assert not check("h", HOST)
    assert not check("*", HOST)


def test_check_origin_replaces_allowed_origins() -> None:
    """Manual: if check_origin is set, allowed_origins is ignored."""
    seen: list[str] = []

    def check_origin(origin: str) -> bool:
        seen.append(origin)
        return origin.endswith(".test")

    check = make_origin_check(allowed_origins=["*"], check_origin=check_origin)
    assert check("http://a.test", HOST)
    assert not check("http://evil.example", HOST)
    assert seen == ["http://a.test", "http://evil.example"]  # gets the whole origin


def test_same_host_is_allowed_without_asking_check_origin() -> None:
    asked: list[str] = []

    def check_origin(origin: str) -> bool:
        asked.append(origin)
        return False

    check = make_origin_check(check_origin=check_origin)
    assert check("http://app.example.com:8080", HOST)
    assert asked == []


@pytest.mark.parametrize(
    ("returned", "allowed"), [(1, True), ("yes", True), (0, False), (None, False)]
)
def test_check_origin_result_is_a_bool(returned: Any, allowed: bool) -> None:
    check = make_origin_check(check_origin=lambda origin: returned)
    assert check("http://other.test", HOST) is allowed
