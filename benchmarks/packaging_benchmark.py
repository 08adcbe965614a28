"""The frozen app: cold start to the first painted window, and its size by component.

Times `ecrm --self-test first-paint` of the one-folder build (from process start until the sign-in window has
painted, under Xvfb with Qt's xcb platform when Xvfb is there, else offscreen), the first run after dropping the
page cache (root only) and then warm runs, and rewrites the packaging section of benchmarks/RESULTS.md.

Usage: python benchmarks/packaging_benchmark.py [--app build/pyinstaller/dist/ecrm] [--deb dist/ecrm_*.deb]
       [--runs 5] [--drop-caches]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "packaging"))

import results_file  # noqa: E402
from size_report import size_by_component  # noqa: E402

from ecrm_desktop.selftest import FIRST_PAINT  # noqa: E402

DISPLAY = ":97"
TARGET_START_S, TARGET_SIZE_MB = 2.0, 300


@contextmanager
def display() -> Iterator[dict[str, str]]:
    """Environment for a real X11 window (Xvfb) when available, else Qt's offscreen platform."""
    if shutil.which("Xvfb") is None:
        yield {"QT_QPA_PLATFORM": "offscreen"}
        return
    server = subprocess.Popen(["Xvfb", DISPLAY, "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
                              stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    try:
        yield {"QT_QPA_PLATFORM": "xcb", "DISPLAY": DISPLAY}
    finally:
        server.terminate()
        server.wait()


def first_paint_seconds(app: Path, env: dict[str, str], folder: Path) -> float:
    started = time.perf_counter()
    child = subprocess.Popen([str(app / "ecrm"), "--self-test", "first-paint", "--workspace", str(folder)],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    assert child.stdout is not None
    for line in child.stdout:
        if line.strip() == FIRST_PAINT:
            elapsed = time.perf_counter() - started
            break
    else:
        raise RuntimeError("the frozen app exited without painting its first window")
    if child.wait(timeout=30) != 0:
        raise RuntimeError("the frozen app's first-paint probe failed")
    return elapsed


def drop_page_cache() -> None:
    os.sync()
    Path("/proc/sys/vm/drop_caches").write_text("3\n")


def installed_size_mb(deb: Path | None) -> float | None:
    if deb is None:
        return None
    kb = subprocess.run(["dpkg-deb", "--field", str(deb), "Installed-Size"], capture_output=True, text=True,
                        check=True).stdout
    return round(int(kb) / 1024, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", type=Path, default=ROOT / "build" / "pyinstaller" / "dist" / "ecrm")
    parser.add_argument("--deb", type=Path, default=next(iter(sorted((ROOT / "dist").glob("ecrm_*.deb"))), None))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--drop-caches", action="store_true", help="drop the page cache before the first run (root)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, display() as screen:
        env = {"PATH": "/usr/bin:/bin", "HOME": tmp, "LANG": "C.UTF-8", **screen}
        if args.drop_caches:
            drop_page_cache()
        cold = first_paint_seconds(args.app, env, Path(tmp) / "ws")
        warm = [first_paint_seconds(args.app, env, Path(tmp) / "ws") for _ in range(args.runs)]
    sizes = {k: round(v / 2**20, 1) for k, v in size_by_component(args.app).items()}
    report = {
        "platform": screen["QT_QPA_PLATFORM"], "page_cache_dropped": args.drop_caches,
        "cold_start_s": round(cold, 2), "warm_start_median_s": round(statistics.median(warm), 2),
        "warm_runs": len(warm), "deb_mb": round(args.deb.stat().st_size / 2**20, 1) if args.deb else None,
        "installed_mb": installed_size_mb(args.deb), "components_mb": sizes,
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores shared with other work "
                   f"(load average {os.getloadavg()[0]:.1f} at the end), Python {platform.python_version()}",
    }
    print(json.dumps(report, indent=2))
    write_results(report)
    return 0


def write_results(report: dict[str, object]) -> None:
    """Replace (or append) the packaging section of RESULTS.md, keeping everything else as it is."""
    components = report["components_mb"]
    assert isinstance(components, dict)
    lines = [
        "## Packaging: frozen app (issue #10)", "",
        "`python benchmarks/packaging_benchmark.py --drop-caches` on the one-folder PyInstaller build "
        f"(`make package`); {report['machine']}. Start = process start until the sign-in window has painted "
        f"(`ecrm --self-test first-paint`, Qt platform `{report['platform']}`).", "",
        "| measure | result | target |", "|---|---|---|",
        f"| cold start to first painted window (page cache dropped: {report['page_cache_dropped']}) "
        f"| {report['cold_start_s']} s | < {TARGET_START_S} s |",
        f"| warm start, median of {report['warm_runs']} | {report['warm_start_median_s']} s | < {TARGET_START_S} s |",
        f"| installed size (.deb Installed-Size) | {report['installed_mb']} MB | < {TARGET_SIZE_MB} MB |",
        f"| download (.deb, gzip) | {report['deb_mb']} MB | |", "",
        "| component | MB |", "|---|---|",
        *[f"| {name} | {mb} |" for name, mb in components.items()],
    ]
    results_file.write_section("packaging", lines)


if __name__ == "__main__":
    sys.exit(main())
