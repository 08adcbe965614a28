"""benchmarks/RESULTS.md is shared: each benchmark owns the section between its `<!-- name:start -->` and
`<!-- name:end -->` markers and rewrites only that, keeping every other section as it is."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")
MARKED = re.compile(r"<!-- (\w+):start -->.*?<!-- \1:end -->", flags=re.DOTALL)


def markers(name: str) -> tuple[str, str]:
    """The start and end markers of the section called `name`."""
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def write_section(name: str, lines: Sequence[str], path: Path = RESULTS) -> None:
    """Replace the section `name` with `lines` (the markers are added), or append it when there is none."""
    start, end = markers(name)
    section = "\n".join([start, *lines, end])
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    first, last = text.find(start), text.find(end)
    if 0 <= first < last:
        text = text[:first] + section + text[last + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def kept_sections(path: Path = RESULTS) -> str:
    """Every marked section of the file, each on lines of its own (what a script rewriting the whole file keeps)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    return "".join(f"\n{m.group(0)}\n" for m in MARKED.finditer(text))
