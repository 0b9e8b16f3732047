"""pywebio_nb.platform._info: ``session.info`` of a server session, built from the
Tornado request that opened it (manual: ``pywebio.session.info``)."""

from __future__ import annotations

import pytest
import tornado.httputil

from pywebio_nb.platform._info import SessionInfo, session_info_from_request

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 5_1 like Mac OS X) AppleWebKit/534.46 "
    "(KHTML, like Gecko) Version/5.1 Mobile/9B179 Safari/7534.48.3"
)
CHROME_LINUX = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)


def request(headers: dict[str, str], remote_ip: str | None = "203.0.113.7") -> object:
    req = tornado.httputil.HTTPServerRequest(
        start_line=tornado.httputil.RequestStartLine("GET", "/?app=index&session=NEW", "HTTP/1.0"),
        headers=tornado.httputil.HTTPHeaders(headers),
    )
    req.remote_ip = remote_ip  # type: ignore[assignment]
    return req


def test_all_fields_of_a_websocket_session() -> None:
    req = request(
        {
            "User-Agent": CHROME_LINUX,
            "Accept-Language": "fr-CH, fr;q=0.9, en;q=0.8, *;q=0.5",
            "Host": "tools.example.com:8080",
            "Origin": "https://portal.example.com",
        }
    )
    info = session_info_from_request(req)
    assert isinstance(info, SessionInfo)
    assert info.user_language == "fr-CH"
    assert info.server_host == "tools.example.com:8080"
    assert info.origin == "https://portal.example.com"
    assert info.user_ip == "203.0.113.7"
    assert info.backend == "tornado"
    assert info.protocol == "websocket"
    assert info.request is req
    assert info.user_agent.browser.family == "Chrome"
    assert info.user_agent.is_pc and not info.user_agent.is_mobile


def test_the_manual_user_agent_example() -> None:
    """The manual's examples: 'Mobile Safari' 5.1 on iOS 5.1, an Apple iPhone."""
    ua = session_info_from_request(request({"User-Agent": IPHONE})).user_agent
    assert ua.is_mobile and not ua.is_tablet and not ua.is_pc and ua.is_touch_capable
    assert (ua.browser.family, ua.browser.version, ua.browser.version_string) == (
        "Mobile Safari",
        (5, 1),
        "5.1",
    )
    assert (ua.os.family, ua.os.version, ua.os.version_string) == ("iOS", (5, 1), "5.1")
    assert (ua.device.family, ua.device.brand, ua.device.model) == ("iPhone", "Apple", "iPhone")


def test_missing_headers_give_empty_strings() -> None:
    info = session_info_from_request(request({}, remote_ip=None))
    assert (info.user_language, info.server_host, info.origin, info.user_ip) == ("", "", "", "")
    assert info.user_agent.browser.family == "Other"


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("zh-CN", "zh-CN"),  # the manual's example
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"),
        ("en;q=0.8", "en"),
        ("  de-DE , en", "de-DE"),
        ("*", "*"),
        ("", ""),
    ],
)
def test_user_language_is_the_first_accept_language(header: str, language: str) -> None:
    info = session_info_from_request(request({"Accept-Language": header}))
    assert info.user_language == language


def test_http_protocol() -> None:
    assert session_info_from_request(request({}), protocol="http").protocol == "http"


def test_info_reads_like_a_dict_too() -> None:
    info = session_info_from_request(request({"Host": "h:1"}))
    assert info["server_host"] == "h:1"
    assert info["backend"] == "tornado"


def test_info_behaves_as_a_dict_for_missing_keys() -> None:
    info = session_info_from_request(request({}))
    assert info.get("no_such_field", "x") == "x"
    assert "backend" in info
    with pytest.raises(KeyError):
        info["no_such_field"]


def test_the_user_agent_is_parsed_on_first_access_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Most apps never read it: each open session would keep ~0.5 KB of parsed objects."""
    import user_agents

    calls: list[str] = []
    parse = user_agents.parse

    def counting_parse(header: str) -> object:
        calls.append(header)
        return parse(header)

    monkeypatch.setattr(user_agents, "parse", counting_parse)
    info = session_info_from_request(request({"User-Agent": IPHONE}))
    assert calls == []
    assert info["user_agent"].is_mobile and info.user_agent.os.family == "iOS"
    assert calls == [IPHONE]
    assert dict(info)["user_agent"] is info.user_agent
