"""Splits query text into tokens, each with its line and column (from 1)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from ecrm_desktop.domain.segments.errors import SegmentSyntaxError


class T(StrEnum):
    """Token types."""

    WORD = "word"  # names, keywords, bare enum values, named dates
    STRING = "string"
    NUMBER = "number"
    DATE = "date"  # 2024-05-01
    OFFSET = "offset"  # -30d, +4w
    OP = "operator"  # = != > >= < <=
    LPAREN = "("
    RPAREN = ")"
    COMMA = ","
    COLON = ":"
    END = "end"


@dataclass(frozen=True)
class Token:
    type: T
    text: str  # for STRING the unescaped content, otherwise the source text
    line: int
    column: int

    def describe(self) -> str:
        """How an error message names this token."""
        if self.type is T.END:
            return "end of query"
        if self.type is T.STRING:
            return f"the text '{self.text}'"
        return f"'{self.text}'"


_PATTERNS = (
    (T.DATE, r"\d{4}-\d{2}-\d{2}(?![\w.])"),
    (T.OFFSET, r"[+-]\d+[dwmy](?![\w.])"),
    (T.WORD, r"\d+_\w+|[A-Za-z_][\w.]*"),
    (T.NUMBER, r"\d+(?:\.\d+)?(?![\w.])"),
    (T.OP, r"!=|>=|<=|=|>|<"),
    (T.LPAREN, r"\("),
    (T.RPAREN, r"\)"),
    (T.COMMA, r","),
    (T.COLON, r":"),
)
_TOKEN = re.compile("|".join(f"(?P<{t.name}>{p})" for t, p in _PATTERNS), re.ASCII)
_SPACE = re.compile(r"\s+")
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


def tokenize(text: str) -> list[Token]:
    """The tokens of `text`, ending with an END token; SegmentSyntaxError at the first character that starts none."""
    tokens: list[Token] = []
    pos, line, line_start = 0, 1, 0
    while True:
        space = _SPACE.match(text, pos)
        if space:
            for newline in re.finditer("\n", space.group()):
                line, line_start = line + 1, space.start() + newline.end()
            pos = space.end()
        column = pos - line_start + 1
        if pos >= len(text):
            tokens.append(Token(T.END, "", line, column))
            return tokens
        if text[pos] == "'":
            end = _string_end(text, pos)
            if end < 0:
                raise SegmentSyntaxError(line, column, "this text has no closing single quote (')")
            tokens.append(Token(T.STRING, _ESCAPE.sub(r"\1", text[pos + 1:end]), line, column))
            newlines = text.count("\n", pos, end)
            if newlines:
                line, line_start = line + newlines, text.rindex("\n", pos, end) + 1
            pos = end + 1
            continue
        match = _TOKEN.match(text, pos)
        if match is None or match.lastgroup is None:
            raise SegmentSyntaxError(line, column, f"unexpected character {text[pos]!r}")
        tokens.append(Token(T[match.lastgroup], match.group(), line, column))
        pos = match.end()


def _string_end(text: str, start: int) -> int:
    """Index of the quote closing the string opened at `start` (backslash escapes the next character), or -1."""
    pos = start + 1
    while pos < len(text):
        if text[pos] == "\\":
            pos += 2
        elif text[pos] == "'":
            return pos
        else:
            pos += 1
    return -1
