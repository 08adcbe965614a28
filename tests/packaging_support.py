"""Helpers of the packaging tests: the scripts under packaging/ loaded by path (that folder is not a package,
so it cannot shadow the PyPI `packaging` library), and throw-away release keys."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"


def packaging_module(name: str) -> ModuleType:
    """packaging/<name>.py as a module (its sibling imports resolve from packaging/)."""
    if str(PACKAGING) not in sys.path:
        sys.path.append(str(PACKAGING))
    spec = importlib.util.spec_from_file_location(name, PACKAGING / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
