"""`ecrm --self-test` from source: what the frozen app runs after installing (test_packaging_build runs it frozen)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from ecrm_desktop.selftest import FIRST_PAINT

ROOT = Path(__file__).resolve().parents[2]


def ecrm(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(home), "XDG_DATA_HOME": str(home / "data")}
    return subprocess.run([sys.executable, "-m", "ecrm_desktop", *args], env=env, capture_output=True, text=True,
                          check=False, timeout=300)


def test_self_test_syncs_renders_every_screen_and_leaves_nothing_behind(tmp_path: Path) -> None:
    before = set(Path(tempfile.gettempdir()).glob("ecrm-self-test-*"))
    done = ecrm("--self-test", home=tmp_path)
    assert done.returncode == 0, done.stderr
    for step in ("encrypted workspace: ok", "release key for update checks: ok",
                 "demo sync against the store emulator: ok",
                 "every screen rendered offscreen: ok", "passed in"):
        assert step in done.stdout
    for screen in ("FirstRunDialog", "UnlockDialog", "customers", "customer", "order", "orders"):
        assert f"self-test:   {screen} rendered" in done.stdout
    assert set(Path(tempfile.gettempdir()).glob("ecrm-self-test-*")) == before
    assert not (tmp_path / "data").exists()


def test_first_paint_probe_opens_the_first_run_window_and_exits(tmp_path: Path) -> None:
    done = ecrm("--self-test", "first-paint", "--workspace", str(tmp_path / "none-yet"), home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert FIRST_PAINT in done.stdout
    assert not (tmp_path / "none-yet").exists()
