"""pywebio_nb.compat in-process: the alias maps names lazily, and never shadows a real
pywebio (importable, or already imported)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import pywebio_nb.compat as compat

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def alias() -> Iterator[None]:
    compat.install()
    yield
    compat.uninstall()


@pytest.fixture
def fake_pywebio(tmp_path: Path) -> Path:
    """A folder holding a stand-in for the real pywebio package."""
    package = tmp_path / "site" / "pywebio"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("REAL = True\n")
    return package.parent


def test_install_refuses_to_shadow_a_real_pywebio(
    fake_pywebio: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(fake_pywebio))
    with pytest.raises(compat.RealPyWebIOInstalled, match="real 'pywebio' package is installed"):
        compat.install()
    assert not compat.installed()
    assert not any(type(f).__name__ == "AliasFinder" for f in sys.meta_path)


def test_install_refuses_a_real_pywebio_battery_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pywebio_battery.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(compat.RealPyWebIOInstalled, match="'pywebio_battery'"):
        compat.install()
    assert not compat.installed()


def test_install_refuses_when_pywebio_is_already_imported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "pywebio", type(sys)("pywebio"))
    with pytest.raises(compat.RealPyWebIOInstalled, match="already imported"):
        compat.install()
    assert not compat.installed()


def test_install_twice_then_uninstall(alias: None) -> None:
    compat.install()  # no effect the second time
    assert sum(type(f).__name__ == "AliasFinder" for f in sys.meta_path) == 1
    import pywebio.pin  # type: ignore[import-not-found]

    import pywebio_nb.pin

    assert pywebio.pin is pywebio_nb.pin
    compat.uninstall()
    assert "pywebio.pin" not in sys.modules and "pywebio" not in sys.modules
    with pytest.raises(ModuleNotFoundError):
        import pywebio  # type: ignore[import-not-found]
    assert pywebio_nb.pin.__spec__ is not None
    assert pywebio_nb.pin.__spec__.name == "pywebio_nb.pin"
    compat.install()  # for the fixture's uninstall


def test_unknown_submodules_fail_saying_so(alias: None) -> None:
    with pytest.raises(ModuleNotFoundError, match=r"has no 'pywebio_nb\.platform\.nothing'"):
        import pywebio.platform.nothing  # type: ignore[import-not-found]
    import pywebio.platform  # type: ignore[import-not-found]

    assert not hasattr(pywebio.platform, "nothing")


def test_the_battery_submodules_of_pywebio_battery(alias: None) -> None:
    from pywebio_battery.interaction import confirm  # type: ignore[import-not-found]
    from pywebio_battery.web import get_query  # type: ignore[import-not-found]

    import pywebio_nb.battery

    assert confirm is pywebio_nb.battery.confirm
    assert get_query is pywebio_nb.battery.get_query


@pytest.mark.parametrize("name", ["aiohttp", "fastapi", "flask", "django"])
def test_the_framework_adapters_map_by_name(alias: None, name: str) -> None:
    import importlib

    ours = importlib.import_module(f"pywebio_nb.platform.{name}")
    assert importlib.import_module(f"pywebio.platform.{name}") is ours


def test_pywebio_utils_is_pywebio_nb_utils(alias: None) -> None:
    from pywebio.utils import pyinstaller_datas  # type: ignore[import-not-found]

    import pywebio_nb.utils

    assert pyinstaller_datas is pywebio_nb.utils.pyinstaller_datas


def _run_compat(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pywebio_nb.compat", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_python_m_compat_runs_a_module_with_its_arguments(tmp_path: Path) -> None:
    (tmp_path / "myapp").mkdir()
    (tmp_path / "myapp" / "__init__.py").write_text("")
    (tmp_path / "myapp" / "main.py").write_text(
        "import sys, pywebio, pywebio_battery\n"
        "print(__name__, pywebio.__spec__.name, pywebio_battery.__name__, sys.argv[1:])\n"
    )
    done = _run_compat(["-m", "myapp.main", "--port", "1"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "__main__ pywebio_nb pywebio_nb.battery ['--port', '1']"


def test_python_m_compat_usage(tmp_path: Path) -> None:
    assert _run_compat([], tmp_path).returncode == 2
    missing = _run_compat(["nope.py"], tmp_path)
    assert missing.returncode == 2 and "no such file: nope.py" in missing.stderr
    assert "usage:" in _run_compat(["--help"], tmp_path).stdout
