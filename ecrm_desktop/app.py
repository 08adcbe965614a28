"""The composition root: opens the workspace, builds services, pairs presenters with views."""

from __future__ import annotations

import sys
from pathlib import Path


def run_gui(folder: Path, debug: bool = False) -> int:
    """Open the window on the workspace in `folder`; returns the application's exit code."""
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    window = QMainWindow()
    window.setWindowTitle("ecrm")
    window.setCentralWidget(QLabel(f"Workspace: {folder}"))
    window.resize(1200, 800)
    window.show()
    return int(app.exec())
