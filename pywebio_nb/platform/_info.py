"""Session information (``pywebio_nb.session.info``) built from a Tornado request."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any

__all__ = ["SessionInfo", "session_info_from_request"]


@dataclass(eq=False)
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

    user_agent: Any
    user_language: str
    server_host: str
    origin: str
    user_ip: str
    backend: str
    protocol: str
    request: Any

    def __getitem__(self, key: str) -> Any:
        if key not in _FIELDS:
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(_FIELDS)

    def __len__(self) -> int:
        return len(_FIELDS)


_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(SessionInfo))


def _first_language(header: str) -> str:
    first = header.split(",")[0].split(";")[0].strip()
    return first


def session_info_from_request(request: Any, protocol: str = "websocket") -> SessionInfo:
    """The :class:`SessionInfo` of a ``tornado.httputil.HTTPServerRequest``."""
    from user_agents import parse as parse_user_agent

    headers = request.headers
    return SessionInfo(
        user_agent=parse_user_agent(headers.get("User-Agent", "")),
        user_language=_first_language(headers.get("Accept-Language", "")),
        server_host=headers.get("Host", ""),
        origin=headers.get("Origin", ""),
        user_ip=request.remote_ip or "",
        backend="tornado",
        protocol=protocol,
        request=request,
    )
