"""platform._wsgi: what the Flask and Django views share around their request objects."""

from __future__ import annotations

import io

from pywebio_nb.platform._http_core import HttpCore, HttpResponse
from pywebio_nb.platform._wsgi import polling_core, read_event_body


def _core(limit: int, backend: str = "flask") -> HttpCore:
    return polling_core(
        lambda: None,
        backend=backend,
        cdn=True,
        allowed_origins=None,
        check_origin=None,
        session_expire_seconds=None,
        session_cleanup_interval=None,
        max_payload_size=limit,
    )


def test_a_declared_length_over_the_limit_is_refused_before_reading() -> None:
    core = _core(10)

    def read(n: int) -> bytes:
        raise AssertionError("an over-limit body must not be read")

    refused = read_event_body(core, 11, read)
    assert isinstance(refused, HttpResponse) and refused.status == 413


def test_a_body_without_length_is_read_to_one_byte_past_the_limit_then_refused() -> None:
    core = _core(10)
    stream = io.BytesIO(b"x" * 1000)
    refused = read_event_body(core, None, stream.read)
    assert isinstance(refused, HttpResponse) and refused.status == 413
    assert stream.tell() == 11


def test_a_body_within_the_limit_is_returned() -> None:
    core = _core(10)
    assert read_event_body(core, None, io.BytesIO(b"0123456789").read) == b"0123456789"
    assert read_event_body(core, 3, io.BytesIO(b"abc").read) == b"abc"


def test_the_manuals_flask_and_django_defaults() -> None:
    core = _core(10, backend="django")
    assert (core.expire_seconds, core.cleanup_interval, core.backend) == (600, 300, "django")
    assert core.static_base == "/_pywebio_nb/"
