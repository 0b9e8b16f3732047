"""Hatch build hook: build the JupyterLab extension in ``labextension/`` into the wheel.

Runs after the ``jupyter-builder`` hook (which builds ``js/``, whose esbuild setup this
build reuses for the snapshot renderer): ``npm ci`` when ``node_modules`` is missing or
older than the lockfile, then ``npm run build`` (esbuild + tsc + ``jupyter labextension
build``) into ``pywebio_nb/labextension/``. A regular wheel ships that folder as shared
data at ``share/jupyter/labextensions/pywebio-nb/``, where JupyterLab and Notebook 7 find
prebuilt extensions; an editable install leaves it where it is (``make setup`` links it
into the venv, so a rebuild shows at the next page load).

``PYWEBIO_NB_SKIP_LABEXTENSION=1`` reuses an existing build instead of rebuilding (for a
machine without Node.js that builds a wheel from an sdist holding a built extension).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

__all__ = ["LabextensionBuildHook"]

NPM_NAME = "pywebio-nb"


class LabextensionBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Build ``labextension/`` and add it to a standard wheel's shared data."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        root = Path(self.root)
        source = root / "labextension"
        built = root / "pywebio_nb" / "labextension"
        if os.environ.get("PYWEBIO_NB_SKIP_LABEXTENSION") != "1":
            build(source)
        if not (built / "package.json").is_file():
            raise RuntimeError(
                f"the JupyterLab extension was not built: {built / 'package.json'} is missing "
                "(run `npm ci && npm run build` in labextension/)"
            )
        if version == "standard":
            destination = f"share/jupyter/labextensions/{NPM_NAME}"
            build_data["shared_data"][str(built.relative_to(root))] = destination
            build_data["shared_data"]["labextension/install.json"] = f"{destination}/install.json"


def build(source: Path) -> None:
    """``npm ci`` if needed, then ``npm run build`` in ``source``."""
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("building the JupyterLab extension needs npm (Node.js >= 20) on PATH")
    env = dict(os.environ)
    # `jupyter labextension build` must be the one of the Python running this build (the
    # isolated build environment's JupyterLab, or the venv's with --no-build-isolation).
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    lock = source / "package-lock.json"
    marker = source / "node_modules" / ".package-lock.json"
    if not marker.is_file() or marker.stat().st_mtime < lock.stat().st_mtime:
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=source, env=env, check=True)
    subprocess.run([npm, "run", "build"], cwd=source, env=env, check=True)
