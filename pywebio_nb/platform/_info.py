"""Session information (``pywebio_nb.session.info``) built from a Tornado request."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import tornado.httputil

__all__ = ["RequestRecord", "SessionInfo", "session_info_from_request"]


class RequestRecord:
    """What an open WebSocket keeps of the Tornado request that opened it.

    A ``tornado.httputil.HTTPServerRequest`` with its parsed headers and query
    arguments takes ~3 KB, kept for every open session although most apps never
    look at ``info.request``. This keeps its request line, its header block as
    one string, and what Tornado's connection had decided (client address,
    scheme, host): ~0.5 KB. :meth:`rebuild` gives back an equivalent request
    (same method, uri, version, headers, cookies, arguments, ``remote_ip``,
    ``protocol``, ``host``, times); ``info.request`` does so on first access.

    It also stands in for the request on the open handler: Tornado's error
    logging reads ``method``, ``uri`` and ``remote_ip``; any other attribute is
    read from a request rebuilt for that one access (nothing kept).
    """

    __slots__ = (
        "_finish_time",
        "_headers",
        "_start_time",
        "host",
        "method",
        "protocol",
        "remote_ip",
        "uri",
        "version",
    )

    def __init__(self, request: tornado.httputil.HTTPServerRequest) -> None:
        self.method = request.method
        self.uri = request.uri
        self.version = request.version
        self.remote_ip = request.remote_ip
        self.protocol = request.protocol
        self.host = request.host
        # One string instead of HTTPHeaders' two dicts of per-header strings and lists.
        self._headers = "".join(f"{name}: {value}\r\n" for name, value in request.headers.get_all())
        self._start_time: float = getattr(request, "_start_time", 0.0)
        self._finish_time: float | None = getattr(request, "_finish_time", None)

    def rebuild(self) -> tornado.httputil.HTTPServerRequest:
        """A new ``HTTPServerRequest`` equal to the recorded one (no connection: upgraded)."""
        request = tornado.httputil.HTTPServerRequest(
            start_line=tornado.httputil.RequestStartLine(
                self.method or "GET", self.uri or "/", self.version
            ),
            headers=tornado.httputil.HTTPHeaders.parse(self._headers),
        )
        # As the original's connection had set them (``xheaders`` included).
        request.remote_ip = self.remote_ip
        request.protocol = self.protocol
        request.host = self.host
        request.host_name = tornado.httputil.split_host_and_port(self.host.lower())[0]
        request._start_time = self._start_time
        request._finish_time = self._finish_time  # type: ignore[assignment]
        return request

    def __getattr__(self, name: str) -> Any:
        # Only for names not in the slots: headers, path, query, arguments, cookies...
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.rebuild(), name)

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={getattr(self, name)!r}"
            for name in ("protocol", "host", "method", "uri", "version", "remote_ip")
        )
        return f"{type(self).__name__}({shown})"


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
        "_request",
        "_user_agent",
        "backend",
        "origin",
        "protocol",
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
        access) or an already parsed ``user_agents`` object; ``request``: the
        framework's request, or a :class:`RequestRecord` (rebuilt on first access)."""
        self._user_agent = user_agent
        self.user_language = user_language
        self.server_host = server_host
        self.origin = origin
        self.user_ip = user_ip
        self.backend = backend
        self.protocol = protocol
        self._request = request

    @property
    def request(self) -> Any:
        """The backend's request object (``tornado.httputil.HTTPServerRequest`` on Tornado)."""
        request = self._request
        if isinstance(request, RequestRecord):
            request = self._request = request.rebuild()
        return request

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


def session_info_from_request(
    request: Any, protocol: str = "websocket", keep: Any = None
) -> SessionInfo:
    """The :class:`SessionInfo` of a ``tornado.httputil.HTTPServerRequest``.

    ``keep``: what ``info.request`` holds instead of ``request`` (a
    :class:`RequestRecord` of it, for an open WebSocket).
    """
    headers = request.headers
    return SessionInfo(
        user_agent=headers.get("User-Agent", ""),
        user_language=_first_language(headers.get("Accept-Language", "")),
        server_host=headers.get("Host", ""),
        origin=headers.get("Origin", ""),
        user_ip=request.remote_ip or "",
        backend="tornado",
        protocol=protocol,
        request=request if keep is None else keep,
    )
