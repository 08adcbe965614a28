"""The user guide's filter reference, generated from the catalogue so the guide and the parser never disagree."""

from __future__ import annotations

from ecrm_desktop.domain.segments.filters import FILTERS, Data, FilterSpec, Kind

_DATA_NOTES = {Data.YES: "", Data.PREDICTED: " *(from the predictions)*",
               Data.NONE: " *(ecrm has no data for it)*"}


def markdown_table() -> str:
    """One Markdown table row per filter: name (with parameters), value, operators, meaning and an example."""
    rows = ["| filter | value | operators | meaning | example |", "|---|---|---|---|---|"]
    rows += [f"| {_name(f)} | {_value(f)} | {', '.join(f'`{op.value}`' for op in f.operators)} "
             f"| {f.summary} ({f.origin}){_DATA_NOTES[f.data]} | `{f.example}` |" for f in FILTERS.values()]
    return "\n".join(rows) + "\n"


def _name(spec: FilterSpec) -> str:
    if not spec.is_function:
        return f"`{spec.name}`"
    params = "".join(f"<br>`{p.name}:` {p.kind.value}: {p.summary}{_DATA_NOTES[p.data]}" for p in spec.params)
    return f"`{spec.name}(...)`{params}"


def _value(spec: FilterSpec) -> str:
    if spec.kind is Kind.ENUM:
        return ", ".join(f"`{v}`" for v in spec.values)
    return spec.kind.value
