"""pywebio_nb in a real JupyterLab 4.6 (headless Chromium via Playwright).

One JupyterLab server for the module; each test writes its own notebook and opens it in
its own workspace.
"""

from __future__ import annotations

import time
from typing import Any

from _jupyter import (  # noqa: F401  (fixtures are used by name)
    JupyterServer,
    cell,
    cell_output_text,
    check_page_errors,
    console_log,
    lab_server,
    open_notebook,
    run_all,
    wait_for_all_executed,
    wait_for_output_text,
)


def test_harness_plain_notebook(page: Any, console_log: list[str],
                                lab_server: JupyterServer) -> None:
    """The harness itself: a plain cell runs and its output shows."""
    t0 = time.monotonic()
    name = lab_server.write_notebook("plain", ['print("hello")', "1 + 1"])
    open_notebook(page, lab_server.notebook_url(name))
    run_all(page)
    wait_for_all_executed(page)
    wait_for_output_text(page, 0, "hello")
    wait_for_output_text(page, 1, "2")
    assert cell_output_text(page, 0) == "hello"
    assert cell(page, 1).locator(".jp-OutputArea-output").inner_text().strip() == "2"
    check_page_errors(page)
    print(f"server start {lab_server.startup_seconds:.1f}s, test {time.monotonic() - t0:.1f}s")
