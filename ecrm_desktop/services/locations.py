"""Where things live by default; light enough to be read before the first window paints."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_path

from ecrm_desktop.services.managed import managed_settings


def default_workspace_folder() -> Path:
    """The administrator's preset (managed settings), else `ecrm` under the platform's user data folder (CLI.md)."""
    return managed_settings().workspace_folder() or user_data_path("ecrm", appauthor=False)
