from __future__ import annotations

import json
import os
import pathlib
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from kernel_driver import KernelDriver

sys.path.insert(0, str(pathlib.Path(__file__).parent))

REPO = pathlib.Path(__file__).resolve().parents[2]
IPK6_PYTHON = REPO / ".venv-ipk6" / "bin" / "python"


IPK6_MISSING = (
    f"ipykernel 6.29 variant NOT TESTED: {IPK6_PYTHON} is missing. "
    "`make test` builds it; or by hand: python3 -m venv .venv-ipk6 && "
    ".venv-ipk6/bin/pip install -r requirements/ipykernel6.txt"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/notebooks/" in str(item.fspath):
            item.add_marker(pytest.mark.nbclient)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say it at the end of the run too: a skip line is easy to miss."""
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if "ipykernel 6.29 variant NOT TESTED" in str(report.longrepr)
    ]
    if skipped:
        terminalreporter.section("ipykernel 6.29 not tested", sep="!", red=True, bold=True)
        terminalreporter.line(f"{len(skipped)} tests skipped. {IPK6_MISSING}", red=True)


@pytest.fixture(scope="session", autouse=True)
def _notebook_libraries_loaded() -> None:
    """Pay nbformat's first import (jsonschema compiling its grammars, up to ~6 s on
    a cold machine) once, in a fixture's setup, so no test's own time includes it."""
    import nbclient  # noqa: F401
    import nbformat

    nbformat.validate(nbformat.read(REPO / "notebooks" / "bmi.ipynb", as_version=4))


@pytest.fixture(scope="session")
def ipykernel6(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A kernelspec running ipykernel 6.29 from the .venv-ipk6 venv (made by `make test`).

    Without that venv the ipykernel 6.29 variants fail under CI and are skipped
    (loudly: the reason and a closing summary say how to build it) elsewhere.
    """
    if not IPK6_PYTHON.exists():
        if os.environ.get("CI"):
            pytest.fail(IPK6_MISSING)
        pytest.skip(IPK6_MISSING)
    root = tmp_path_factory.mktemp("jupyter-path")
    spec_dir = root / "kernels" / "pywebio-nb-ipykernel6"
    spec_dir.mkdir(parents=True)
    spec = {
        "argv": [str(IPK6_PYTHON), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "ipykernel 6.29",
        "language": "python",
        "env": {"PYTHONPATH": str(REPO)},
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = str(root) + (os.pathsep + old if old else "")
    try:
        yield "pywebio-nb-ipykernel6"
    finally:
        if old is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = old


@pytest.fixture(params=["python3", "ipykernel6"])
def driver(request: pytest.FixtureRequest) -> Iterator[KernelDriver]:
    """A running kernel per variant (ipykernel 7 from this venv, 6.29 from .venv-ipk6).

    A test module may set ``DRIVER`` to a KernelDriver subclass; ``driver.variant`` names
    the variant.
    """
    name = request.getfixturevalue("ipykernel6") if request.param == "ipykernel6" else "python3"
    d = getattr(request.module, "DRIVER", KernelDriver)(name)
    d.variant = request.param
    try:
        yield d
    finally:
        d.close()
