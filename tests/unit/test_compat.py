"""pywebio_nb.compat in-process: the alias maps names lazily, and never shadows a real
pywebio (importable, or already imported)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import pywebio_nb.compat as compat


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
