"""Walls import-linter cannot see: Qt submodules (it knows external packages only at their root)."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[2] / "ecrm_desktop"
ALLOWED_QT = {"presenters": {"PySide6.QtCore"}}


def _qt_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("PySide6"):
            found.add(node.module if node.module != "PySide6" else f"PySide6.{node.names[0].name}")
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("PySide6"))
    return found


@pytest.mark.parametrize("layer", ["presenters"])
def test_presenters_use_only_qtcore(layer: str) -> None:
    offending = {f"{p.relative_to(PACKAGE)}: {m}" for p in (PACKAGE / layer).rglob("*.py")
                 for m in _qt_imports(p) - ALLOWED_QT[layer]}
    assert not offending, f"{layer} may import only QtCore: {sorted(offending)}"


def test_the_check_sees_a_widget_import(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text("from PySide6.QtWidgets import QLabel\nfrom PySide6 import QtGui\n")
    assert _qt_imports(sample) == {"PySide6.QtWidgets", "PySide6.QtGui"}
