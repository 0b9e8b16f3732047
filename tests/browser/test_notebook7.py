"""pywebio_nb in a real Notebook 7.6 (headless Chromium via Playwright)."""

from __future__ import annotations

from typing import Any

from _jupyter import (  # noqa: F401  (fixtures are used by name)
    NB7_KNOWN_PAGE_ERRORS,
    JupyterServer,
    check_input_roundtrip,
    console_log,
    nb7_server,
)


def test_input_blocks_cell_until_submitted(
    page: Any, console_log: list[str], nb7_server: JupyterServer
) -> None:
    check_input_roundtrip(page, nb7_server, allowed_errors=NB7_KNOWN_PAGE_ERRORS)
