"""The live sessions of one app handler, by session id: create, resume, expire.

Shared by every server transport (WebSocket today; HTTP polling and the
framework adapters reuse it), so each transport only moves bytes:

* :meth:`SessionManager.create` starts a session for a new connection (a
  thread for a ``def`` app, a task on the loop for an ``async def`` app),
  sends it its id (``set_session_id``) and, when reconnecting is on, gives it
  a replay log (``session._replay``).
* :meth:`SessionManager.resume` hands a session a new connection: the
  session replays what the frontend missed (``Session.resume``).
* :meth:`SessionManager.connection_lost`: a frontend that left on purpose (a
  clean close: the tab closed, the page navigated away) ends its session at
  once; one that dropped keeps its session for ``reconnect_timeout`` seconds,
  then the session is closed (its pending ``input()`` raises
  ``SessionClosedException``, its ``defer_call`` functions run). A session
  nobody comes back for is always freed on time.

Everything here runs on the server's event loop thread.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..protocol import make_command
from ..session._base import Session, ThreadSession, Transport
from ..session._coroutine import CoroutineSession, is_coroutine_callable
from ..session._replay import ReplayLog

__all__ = ["DEFAULT_RECONNECT_TIMEOUT", "SessionManager"]

logger = logging.getLogger("pywebio_nb.platform")

#: Seconds a dropped page may take to come back to its session (PyWebIO: 0).
#: Long enough for a network blip or a laptop waking up, short enough that a
#: session nobody comes back for does not hold memory for long.
DEFAULT_RECONNECT_TIMEOUT = 60.0


@dataclass(eq=False, slots=True)  # one per session: no instance dict
class _Live:
    session: Session
    owner: object | None  # the connection that currently serves the session
    expiry: asyncio.TimerHandle | None = None


def on_app_done(session: Session) -> None:
    """The app function returned: close, unless callbacks keep the page alive."""
    if session.closed or session.has_callbacks:
        return  # PyWebIO's automatic hold: open until the browser goes away
    session.close()


class SessionManager:
    """The sessions of one handler (one set of apps), by id."""

    def __init__(self, reconnect_timeout: float = DEFAULT_RECONNECT_TIMEOUT) -> None:
        if reconnect_timeout < 0:
            raise ValueError(f"reconnect_timeout must be >= 0, got {reconnect_timeout!r}")
        self.reconnect_timeout = reconnect_timeout
        self._live: dict[str, _Live] = {}

    def __len__(self) -> int:
        return len(self._live)

    def create(
        self,
        app: Callable[[], Any],
        transport: Transport,
        *,
        owner: object,
        info: Any = None,
        on_done: Callable[[Session], None] = on_app_done,
        replay: bool | None = None,
    ) -> Session:
        """Start a session of ``app`` talking to ``transport``; returns it (started).

        ``replay``: keep a replay log (default: when reconnecting is on; a
        polling transport always needs one, it answers polls from it).
        """
        session: ThreadSession | CoroutineSession
        if is_coroutine_callable(app):
            session = CoroutineSession(
                app, transport, loop=asyncio.get_running_loop(), info=info, on_done=on_done
            )
        else:
            session = ThreadSession(app, transport, info=info, on_done=on_done)
        if replay if replay is not None else self.reconnect_timeout > 0:
            session.replay = ReplayLog()
        session_id = secrets.token_urlsafe(16)
        self._live[session_id] = _Live(session, owner)
        session.session_id = session_id
        session.send(make_command("set_session_id", session_id))
        session.start()
        return session

    def resume(
        self, session_id: str, transport: Transport, applied: int, *, owner: object
    ) -> Session | None:
        """Give the session ``session_id`` the connection ``owner``; None when it is gone.

        ``applied`` is how many batches the frontend applied: it receives the
        ones after that (``Session.resume``). A connection that still serves
        the session is superseded: the caller should close it.
        """
        live = self._live.get(session_id)
        if live is None or live.session.closed:
            self._live.pop(session_id, None)
            return None
        if live.expiry is not None:
            live.expiry.cancel()
            live.expiry = None
        live.owner = owner
        if not live.session.resume(transport, applied):
            self._live.pop(session_id, None)
            return None
        return live.session

    def get(self, session_id: str) -> Session | None:
        """The session called ``session_id``, closed or not; None when unknown."""
        live = self._live.get(session_id)
        return live.session if live is not None else None

    def ids(self) -> list[str]:
        return list(self._live)

    def end(self, session_id: str) -> None:
        """Forget ``session_id`` and close its session (it expired)."""
        live = self._live.get(session_id)
        self._forget(session_id)
        if live is not None:
            live.session.close(notify_client=False)

    def owner(self, session_id: str) -> object | None:
        live = self._live.get(session_id)
        return live.owner if live is not None else None

    def connection_lost(self, session: Session, *, owner: object, clean: bool) -> None:
        """The connection ``owner`` of ``session`` ended.

        ``clean``: the frontend closed it on purpose, the session ends now.
        Otherwise it waits ``reconnect_timeout`` seconds for the frontend.
        A connection that no longer serves the session changes nothing.
        """
        session_id = session.session_id
        live = self._live.get(session_id) if session_id is not None else None
        if live is None or session_id is None:
            session.close(notify_client=False)
            return
        if live.owner is not owner:
            return  # superseded by a newer connection of the same page
        live.owner = None
        if session.closed or clean or self.reconnect_timeout <= 0:
            self._forget(session_id)
            session.close(notify_client=False)
            return
        loop = asyncio.get_running_loop()
        live.expiry = loop.call_later(self.reconnect_timeout, self._expire, session_id)

    def _expire(self, session_id: str) -> None:
        live = self._live.get(session_id)
        if live is None or live.owner is not None:
            return
        logger.info(
            "session %s: no reconnect within %s s, closing", session_id, self.reconnect_timeout
        )
        self._forget(session_id)
        live.session.close(notify_client=False)

    def _forget(self, session_id: str | None) -> None:
        live = self._live.pop(session_id, None) if session_id is not None else None
        if live is not None and live.expiry is not None:
            live.expiry.cancel()

    def close_all(self) -> None:
        """Close every session (the server stops)."""
        for session_id in list(self._live):
            live = self._live.pop(session_id)
            if live.expiry is not None:
                live.expiry.cancel()
            live.session.close(notify_client=False)
