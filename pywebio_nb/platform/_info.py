"""Session information (``pywebio_nb.session.info``) built from a Tornado request."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["SessionInfo", "session_info_from_request"]


class SessionInfo(Mapping[str, Any]):
    """What the manual's ``session.info`` holds for a server session.

    ``user_agent`` is a parsed ``user_agents`` object (``.is_mobile``,
    ``.browser.family``...), ``user_language`` the first language of the
    ``Accept-Language`` header, ``server_host`` the ``Host`` header, ``origin``
    the ``Origin`` header (protocol, host and port), ``user_ip`` the client
    address, ``backend`` ``'tornado'``, ``protocol`` ``'websocket'`` and
    ``request`` the ``tornado.httputil.HTTPServerRequest``.

    As PyWebIO's ``info`` it is a read-only mapping too: ``info['user_ip']``,
    ``info.get(...)``, ``'origin' in info``; a missing key raises KeyError.
    """

    # Slots and a lazy user agent: one per open session, and most apps never
    # look at it (parsing it costs ~0.5 KB of objects per session, kept).
    __slots__ = (
        "_user_agent",
        "backend",
        "origin",
        "protocol",
        "request",
        "server_host",
        "user_ip",
        "user_language",
    )

    def __init__(
        self,
        user_agent: Any,
        user_language: str,
        server_host: str,
        origin: str,
        user_ip: str,
        backend: str,
        protocol: str,
        request: Any,
    ) -> None:
        """``user_agent``: the ``User-Agent`` header (a str, parsed on first
        access) or an already parsed ``user_agents`` object."""
        self._user_agent = user_agent
        self.user_language = user_language
        self.server_host = server_host
        self.origin = origin
        self.user_ip = user_ip
        self.backend = backend
        self.protocol = protocol
        self.request = request

    @property
    def user_agent(self) -> Any:
        """The browser, parsed by ``user_agents`` (on first access)."""
        user_agent = self._user_agent
        if isinstance(user_agent, str):
            from user_agents import parse as parse_user_agent

            user_agent = self._user_agent = parse_user_agent(user_agent)
        return user_agent

    def __getitem__(self, key: str) -> Any:
        if key not in _FIELDS:
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(_FIELDS)

    def __len__(self) -> int:
        return len(_FIELDS)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _FIELDS)
        return f"SessionInfo({shown})"


_FIELDS: tuple[str, ...] = (
    "user_agent",
    "user_language",
    "server_host",
    "origin",
    "user_ip",
    "backend",
    "protocol",
    "request",
)


def _first_language(header: str) -> str:
    first = header.split(",")[0].split(";")[0].strip()
    return first


def session_info_from_request(request: Any, protocol: str = "websocket") -> SessionInfo:
    """The :class:`SessionInfo` of a ``tornado.httputil.HTTPServerRequest``."""
    headers = request.headers
    return SessionInfo(
        user_agent=headers.get("User-Agent", ""),
        user_language=_first_language(headers.get("Accept-Language", "")),
        server_host=headers.get("Host", ""),
        origin=headers.get("Origin", ""),
        user_ip=request.remote_ip or "",
        backend="tornado",
        protocol=protocol,
        request=request,
    )
