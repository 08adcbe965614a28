"""Size of the frozen app by component: `python packaging/size_report.py build/pyinstaller/dist/ecrm`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

# First matching prefix of a path under `_internal/` names its component.
COMPONENTS = (
    ("Qt libraries", ("PySide6/Qt/lib/", "libQt6", "libicu")),
    ("Qt plugins and translations", ("PySide6/Qt/",)),
    ("PySide6 bindings", ("PySide6/", "shiboken6/", "libpyside6", "libshiboken6")),
    ("scipy", ("scipy/", "scipy.libs/")),
    ("numpy", ("numpy/", "numpy.libs/")),
    ("SQLCipher (sqlcipher3)", ("sqlcipher3/",)),
    ("cryptography", ("cryptography/", "_cffi_backend", "libssl", "libcrypto")),
    ("SQLAlchemy, Alembic", ("sqlalchemy/", "alembic/", "mako/")),
    ("pydantic", ("pydantic/", "pydantic_core/")),
    ("Python runtime and standard library", ("libpython", "python3", "base_library.zip", "lib-dynload/")),
    ("ecrm data (migrations, lists, key)", ("ecrm_desktop/",)),
)
LAUNCHER = "launcher with every pure-Python module, ecrm's included"
SYSTEM_LIBS = "system libraries (X11/xcb, fonts, glib, compression)"


def folder_size(folder: Path) -> int:
    """Bytes of the regular files under `folder` (links are not counted twice)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def component_of(relative: str) -> str:
    for name, prefixes in COMPONENTS:
        if relative.startswith(prefixes):
            return name
    return SYSTEM_LIBS if relative.startswith("lib") and ".so" in relative else "other Python packages"


def size_by_component(app: Path) -> dict[str, int]:
    """{component: bytes} of the one-folder app, largest first, with a "total"."""
    internal = app / "_internal"
    sizes: dict[str, int] = {}
    for path in app.rglob("*"):
        if path.is_file() and not path.is_symlink():
            name = component_of(path.relative_to(internal).as_posix()) if internal in path.parents else LAUNCHER
            sizes[name] = sizes.get(name, 0) + path.stat().st_size
    ordered = dict(sorted(sizes.items(), key=lambda kv: -kv[1]))
    return {**ordered, "total": sum(ordered.values())}


def main(app: Path) -> int:
    print(json.dumps({k: round(v / 2**20, 1) for k, v in size_by_component(app).items()}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("build/pyinstaller/dist/ecrm")))
