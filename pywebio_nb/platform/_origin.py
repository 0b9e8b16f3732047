"""WebSocket origin checks: same host always, ``allowed_origins`` patterns, or a callable."""

from __future__ import annotations

import fnmatch
import urllib.parse
from collections.abc import Callable, Sequence

__all__ = ["OriginCheck", "make_origin_check"]

#: ``(origin, host) -> allowed?``; origin is ``scheme://host[:port]``, host the Host header.
OriginCheck = Callable[[str, str], bool]


def _same_host(origin: str, host: str) -> bool:
    return urllib.parse.urlparse(origin).netloc.lower() == host.lower()


def make_origin_check(
    allowed_origins: Sequence[str] | None = None, check_origin: Callable[[str], bool] | None = None
) -> OriginCheck:
    """The check for a handler: the same host is always allowed; then ``check_origin``
    (which, when given, makes ``allowed_origins`` ignored, as in the manual) or the
    fnmatch patterns of ``allowed_origins`` (``'https://*.example.com'``)."""
    if isinstance(allowed_origins, str):
        allowed_origins = [allowed_origins]
    patterns = list(allowed_origins or [])

    def check(origin: str, host: str) -> bool:
        if _same_host(origin, host):
            return True
        if check_origin is not None:
            return bool(check_origin(origin))
        return any(fnmatch.fnmatch(origin, pattern) for pattern in patterns)

    return check
