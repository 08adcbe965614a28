"""The two ways a segment query is refused: it does not parse, or it asks for data ecrm does not have."""

from __future__ import annotations

from ecrm_desktop.domain.errors import UsageError


class SegmentSyntaxError(UsageError):
    """The query text is malformed at `line`, `column` (both from 1)."""

    def __init__(self, line: int, column: int, problem: str) -> None:
        super().__init__(f"line {line}, column {column}: {problem}")
        self.line = line
        self.column = column
        self.problem = problem


class SegmentDataError(UsageError):
    """The query is valid but names a filter (or parameter) ecrm holds no data for."""

    def __init__(self, what: str) -> None:
        super().__init__(f"ecrm has no data for {what} yet; remove that condition to run the query.")
        self.what = what
