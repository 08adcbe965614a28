"""A recursive-descent parser of segment queries, validating each condition against the filter catalogue.

Grammar (keywords and filter names in any case; AND binds tighter than OR):

    query     = or_expr END
    or_expr   = and_expr { OR and_expr }
    and_expr  = unary { AND unary }
    unary     = NOT "(" or_expr ")" | "(" or_expr ")" | condition
    condition = name [ "(" [ param { "," param } ] ")" ] predicate
    param     = name ":" ( value | "(" value { "," value } ")" | operator value | BETWEEN value AND value )
    predicate = operator value | BETWEEN value AND value | IS [NOT] NULL | [NOT] CONTAINS value
"""

from __future__ import annotations

import difflib
from datetime import date
from decimal import Decimal
from typing import NoReturn

from ecrm_desktop.domain.segments import filters
from ecrm_desktop.domain.segments.ast import (
    AbsoluteDate,
    And,
    Between,
    Comparison,
    DateValue,
    FunctionCondition,
    NamedDate,
    Node,
    Not,
    Operator,
    Or,
    Param,
    RelativeDate,
    Value,
)
from ecrm_desktop.domain.segments.dates import NAMED_DATES
from ecrm_desktop.domain.segments.errors import SegmentDataError, SegmentSyntaxError
from ecrm_desktop.domain.segments.filters import Data, FilterSpec, Kind, ParamSpec
from ecrm_desktop.domain.segments.lexer import T, Token, tokenize

KEYWORDS = frozenset({"AND", "OR", "NOT", "BETWEEN", "IS", "NULL", "CONTAINS", "TRUE", "FALSE"})
MAX_DEPTH = 50  # groups within groups, well below Python's recursion limit
MAX_OFFSET_DAYS = {"d": 36600, "w": 5220, "m": 1200, "y": 100}  # offsets reach at most about a century
FIRST_YEAR, LAST_YEAR = 1900, 2999
_KIND_PHRASES = {
    Kind.MONEY: "an amount such as 500 or 99.95",
    Kind.NUMBER: "a number such as 3 or 0.25",
    Kind.COUNT: "a whole number",
    Kind.DATE: "a date (YYYY-MM-DD, an offset such as -30d, or today, yesterday, 7_days_ago...)",
    Kind.TEXT: "a text in single quotes",
    Kind.BOOLEAN: "true or false",
}


def parse(text: str) -> Node:
    """The validated syntax tree of `text`; SegmentSyntaxError or SegmentDataError when it is not a usable query."""
    return _Parser(tokenize(text)).query()


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    # -- token helpers -------------------------------------------------------------------------------------

    @property
    def tok(self) -> Token:
        return self.tokens[self.pos]

    def advance(self) -> Token:
        tok = self.tokens[self.pos]
        self.pos += min(1, len(self.tokens) - 1 - self.pos)
        return tok

    def at(self, kind: T) -> bool:
        return self.tok.type is kind

    def at_word(self, *words: str) -> bool:
        return self.at(T.WORD) and self.tok.text.upper() in words

    def fail(self, problem: str, tok: Token | None = None) -> NoReturn:
        tok = tok or self.tok
        raise SegmentSyntaxError(tok.line, tok.column, problem)

    def expected(self, what: str, after: str) -> NoReturn:
        self.fail(f"expected {what} after {after}, found {self.tok.describe()}")

    def expect(self, kind: T, what: str, after: str) -> Token:
        if self.tok.type is not kind:
            self.expected(what, after)
        return self.advance()

    # -- boolean structure -------------------------------------------------------------------------------

    def query(self) -> Node:
        if self.at(T.END):
            self.fail("the query is empty: expected a filter name such as amount_spent")
        node = self.or_expr()
        if not self.at(T.END):
            self.fail(f"expected AND, OR or end of query, found {self.tok.describe()}")
        return node

    def or_expr(self) -> Node:
        items = [self.and_expr()]
        while self.at_word("OR"):
            self.advance()
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else Or(_flatten(items, Or))

    def and_expr(self) -> Node:
        items = [self.unary()]
        while self.at_word("AND"):
            self.advance()
            items.append(self.unary())
        return items[0] if len(items) == 1 else And(_flatten(items, And))

    def unary(self) -> Node:
        if self.at_word("NOT"):
            self.advance()
            self.expect(T.LPAREN, "'('", "NOT")
            return Not(self.group_rest())
        if self.at(T.LPAREN):
            self.advance()
            return self.group_rest()
        return self.condition()

    def group_rest(self) -> Node:
        """The inside of a group whose '(' was just read, and its ')'."""
        opening = self.tokens[self.pos - 1]
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.fail(f"groups nest at most {MAX_DEPTH} deep", opening)
        node = self.or_expr()
        self.depth -= 1
        if not self.at(T.RPAREN):
            self.fail(f"expected AND, OR or ')' to close the '(' at line {opening.line}, column {opening.column}, "
                      f"found {self.tok.describe()}")
        self.advance()
        return node

    # -- conditions ------------------------------------------------------------------------------------------

    def condition(self) -> Node:
        tok = self.tok
        if tok.type is not T.WORD or tok.text.upper() in KEYWORDS:
            self.fail(f"expected a filter name such as amount_spent, NOT or '(', found {tok.describe()}")
        spec = filters.lookup(tok.text)
        if filters.without_data(tok.text):
            raise SegmentDataError(spec.name if spec else tok.text.lower())
        if spec is None:
            close = difflib.get_close_matches(tok.text.lower(), filters.FILTERS, n=1)
            hint = f"; did you mean {close[0]}?" if close else "; see the filter list in the user guide"
            self.fail(f"unknown filter '{tok.text}'{hint}")
        self.advance()
        if not spec.is_function:
            operator, value = self.predicate(spec, f"'{tok.text}'")
            return Comparison(spec.name, operator, value)
        self.expect(T.LPAREN, "'('", spec.name)
        params = self.params(spec)
        operator, value = self.predicate(spec, "')'")
        return FunctionCondition(spec.name, params, operator, value)

    def predicate(self, spec: FilterSpec, after: str) -> tuple[Operator, Value]:
        start = self.tok
        operator = self.operator(spec, after)
        if operator not in spec.operators:
            self.fail(f"{spec.name} does not take {operator}; use {_choices(spec.operators)}", start)
        if operator in (Operator.IS_NULL, Operator.IS_NOT_NULL):
            return operator, None
        if operator is Operator.BETWEEN:
            return operator, self.between(spec.kind)
        return operator, self.value(spec.kind, f"'{operator}'", spec)

    def operator(self, spec: FilterSpec, after: str) -> Operator:
        tok = self.tok
        word = tok.text.upper() if tok.type is T.WORD else None
        if tok.type is T.OP or word in ("BETWEEN", "CONTAINS"):
            self.advance()
            return Operator(word or tok.text)
        if word == "NOT":
            self.advance()
            if not self.at_word("CONTAINS"):
                self.expected("CONTAINS", "NOT")
            self.advance()
            return Operator.NOT_CONTAINS
        if word == "IS":
            self.advance()
            negated = self.at_word("NOT")
            if negated:
                self.advance()
            if not self.at_word("NULL"):
                self.expected("NULL", "IS NOT" if negated else "IS")
            self.advance()
            return Operator.IS_NOT_NULL if negated else Operator.IS_NULL
        self.expected(_choices(spec.operators), after)

    def between(self, kind: Kind) -> Between:
        low = self.scalar(kind, "BETWEEN")
        if not self.at_word("AND"):
            self.expected("AND and the upper end of the range", "the lower end")
        self.advance()
        return Between(low, self.scalar(kind, "AND"))

    # -- function parameters -------------------------------------------------------------------------------

    def params(self, spec: FilterSpec) -> tuple[Param, ...]:
        params: list[Param] = []
        while not self.at(T.RPAREN):
            if params:
                self.expect(T.COMMA, "',' or ')'", "a parameter")
            params.append(self.param(spec, {p.name for p in params}))
        closing = self.advance()
        for required in (p for p in spec.params if p.required):
            if required.name not in {p.name for p in params}:
                self.fail(f"{spec.name} needs a '{required.name}:' parameter", closing)
        return tuple(params)

    def param(self, spec: FilterSpec, seen: set[str]) -> Param:
        tok = self.tok
        pspec = spec.param(tok.text.lower()) if tok.type is T.WORD else None
        names = ", ".join(f"{p.name}:" for p in spec.params)
        if pspec is None:
            self.fail(f"expected a parameter of {spec.name} ({names}), found {tok.describe()}")
        if pspec.data is Data.NONE:
            raise SegmentDataError(f"{spec.name}({pspec.name}: ...)")
        if pspec.name in seen:
            self.fail(f"the parameter {pspec.name}: is given twice")
        self.advance()
        self.expect(T.COLON, "':'", f"'{tok.text}'")
        return self.param_value(pspec)

    def param_value(self, pspec: ParamSpec) -> Param:
        after = f"'{pspec.name}:'"
        if pspec.kind is Kind.DATE:
            if self.at_word("BETWEEN"):
                self.advance()
                return Param(pspec.name, Operator.BETWEEN, self.between(Kind.DATE))
            operator = Operator(self.advance().text) if self.at(T.OP) else Operator.GE
            return Param(pspec.name, operator, self.value(Kind.DATE, after))
        if pspec.kind in (Kind.IDS, Kind.TEXTS):
            return Param(pspec.name, Operator.EQ, self.value_list(pspec.kind, after))
        return Param(pspec.name, Operator.EQ, self.value(pspec.kind, after))

    def value_list(self, kind: Kind, after: str) -> tuple[str, ...]:
        if not self.at(T.LPAREN):
            return (self.list_item(kind, after),)
        self.advance()
        items = [self.list_item(kind, "'('")]
        while self.at(T.COMMA):
            self.advance()
            items.append(self.list_item(kind, "','"))
        self.expect(T.RPAREN, "',' or ')'", "a value")
        return tuple(items)

    def list_item(self, kind: Kind, after: str) -> str:
        tok = self.tok
        if tok.type is T.STRING or (kind is Kind.IDS and tok.type is T.NUMBER and "." not in tok.text):
            self.advance()
            return tok.text
        self.expected("a product id" if kind is Kind.IDS else _KIND_PHRASES[Kind.TEXT], after)

    # -- values --------------------------------------------------------------------------------------------

    def value(self, kind: Kind, after: str, spec: FilterSpec | None = None) -> Value:
        tok = self.tok
        if kind is Kind.ENUM and spec is not None:
            if tok.type not in (T.WORD, T.STRING):
                self.expected(f"one of {', '.join(spec.values)}", after)
            if tok.text.upper() not in spec.values:
                self.fail(f"{tok.describe()} is not a value of {spec.name}; use one of {', '.join(spec.values)}")
            return self.advance().text.upper()
        if kind is Kind.TEXT and tok.type is T.STRING:
            return self.advance().text
        if kind is Kind.BOOLEAN and self.at_word("TRUE", "FALSE"):
            return self.advance().text.upper() == "TRUE"
        if kind in (Kind.TEXT, Kind.BOOLEAN):
            self.expected("a value" if tok.type is T.END else _KIND_PHRASES[kind], after)
        return self.scalar(kind, after)

    def scalar(self, kind: Kind, after: str) -> Decimal | DateValue:
        """A number or date value, as `kind` asks."""
        tok = self.tok
        if tok.type is T.END:
            self.expected("a value", after)
        parsed: Decimal | DateValue | None = None
        if kind is Kind.DATE:
            parsed = self.date_value(tok)
        elif tok.type is T.NUMBER:
            parsed = self.number(kind, tok)
        if parsed is None:
            self.expected(_KIND_PHRASES[kind], after)
        self.advance()
        return parsed

    def number(self, kind: Kind, tok: Token) -> Decimal:
        decimals = len(tok.text.partition(".")[2])
        if kind is Kind.COUNT and decimals:
            self.fail(f"expected a whole number, found {tok.describe()}")
        if kind is Kind.MONEY and decimals > 2:
            self.fail(f"an amount has at most 2 decimals, found {tok.describe()}")
        return Decimal(tok.text)

    def date_value(self, tok: Token) -> DateValue | None:
        if tok.type is T.DATE:
            year, month, day = (int(p) for p in tok.text.split("-"))
            try:
                parsed = date(year, month, day)
            except ValueError:
                self.fail(f"{tok.describe()} is not a calendar date")
            if not FIRST_YEAR <= year <= LAST_YEAR:
                self.fail(f"dates lie between {FIRST_YEAR} and {LAST_YEAR}, found {tok.describe()}")
            return AbsoluteDate(parsed)
        if tok.type is T.OFFSET:
            amount, unit = int(tok.text[:-1]), tok.text[-1]
            if abs(amount) > MAX_OFFSET_DAYS[unit]:
                self.fail(f"a date offset reaches at most about 100 years, found {tok.describe()}")
            return RelativeDate(amount, unit)
        if tok.type is T.WORD and tok.text.lower() in NAMED_DATES:
            return NamedDate(tok.text.lower())
        return None


def _flatten(items: list[Node], kind: type[And] | type[Or]) -> tuple[Node, ...]:
    """Items of a group, with nested groups of the same kind spliced in: `a AND (b AND c)` is `a AND b AND c`."""
    flat: list[Node] = []
    for item in items:
        flat.extend(item.items if isinstance(item, kind) else (item,))
    return tuple(flat)


def _choices(operators: tuple[Operator, ...]) -> str:
    return "one of " + ", ".join(op.value for op in operators)
