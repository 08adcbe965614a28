"""The segment query language: grammar, validation against the catalogue, dates, printing and error messages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecrm_desktop.domain.errors import UsageError
from ecrm_desktop.domain.segments import SegmentDataError, SegmentSyntaxError, parse, to_text
from ecrm_desktop.domain.segments.ast import (
    AbsoluteDate,
    And,
    Between,
    Comparison,
    FunctionCondition,
    NamedDate,
    Not,
    Operator,
    Or,
    Param,
    RelativeDate,
)
from ecrm_desktop.domain.segments.dates import NAMED_DATES, resolve
from ecrm_desktop.domain.segments.filters import FILTERS, Data, FilterSpec, Kind
from ecrm_desktop.domain.segments.printer import quote
from ecrm_desktop.domain.segments.reference import markdown_table
from ecrm_desktop.domain.segments.rules import rules_of, text_of

A = Comparison("amount_spent", Operator.GT, Decimal(500))
B = Comparison("number_of_orders", Operator.GE, Decimal(2))
C = Comparison("customer_tags", Operator.CONTAINS, "VIP")


# -- structure ---------------------------------------------------------------------------------------------------

def test_and_binds_tighter_than_or() -> None:
    assert parse("amount_spent > 500 OR number_of_orders >= 2 AND customer_tags CONTAINS 'VIP'") == Or((A, And((B, C))))
    assert parse("amount_spent > 500 AND number_of_orders >= 2 OR customer_tags CONTAINS 'VIP'") == Or((And((A, B)), C))


def test_parentheses_group_and_same_kind_groups_flatten() -> None:
    grouped = "(amount_spent > 500 OR number_of_orders >= 2) AND customer_tags CONTAINS 'VIP'"
    assert parse(grouped) == And((Or((A, B)), C))
    assert parse("amount_spent > 500 AND (number_of_orders >= 2 AND customer_tags CONTAINS 'VIP')") == And((A, B, C))
    assert parse("((amount_spent > 500))") == A


def test_not_negates_a_group() -> None:
    assert parse("NOT (amount_spent > 500 OR number_of_orders >= 2)") == Not(Or((A, B)))
    assert parse("customer_tags CONTAINS 'VIP' AND not (amount_spent > 500)") == And((C, Not(A)))


def test_keywords_filter_names_and_enums_are_case_insensitive() -> None:
    assert parse("AMOUNT_SPENT > 500 and Number_Of_Orders >= 2 oR customer_tags contains 'VIP'") == \
        Or((And((A, B)), C))
    expected = Comparison("email_subscription_status", Operator.EQ, "SUBSCRIBED")
    assert parse("email_subscription_status = subscribed") == expected
    assert parse("email_subscription_status = 'Subscribed'") == expected


def test_queries_may_span_lines() -> None:
    assert parse("amount_spent > 500\n  AND number_of_orders >= 2\r\n") == And((A, B))


# -- operators and values ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "expected"), [
    ("amount_spent = 10", Comparison("amount_spent", Operator.EQ, Decimal(10))),
    ("amount_spent != 10.5", Comparison("amount_spent", Operator.NE, Decimal("10.5"))),
    ("average_order_value < 80", Comparison("average_order_value", Operator.LT, Decimal(80))),
    ("refund_count <= 1", Comparison("refund_count", Operator.LE, Decimal(1))),
    ("return_rate >= 0.25", Comparison("return_rate", Operator.GE, Decimal("0.25"))),
    ("amount_spent BETWEEN 1 AND 999.99",
     Comparison("amount_spent", Operator.BETWEEN, Between(Decimal(1), Decimal("999.99")))),
    ("last_order_date IS NULL", Comparison("last_order_date", Operator.IS_NULL, None)),
    ("last_ticket_date is not null", Comparison("last_ticket_date", Operator.IS_NOT_NULL, None)),
    ("customer_countries NOT CONTAINS 'US'", Comparison("customer_countries", Operator.NOT_CONTAINS, "US")),
    ("store = 'EU shop'", Comparison("store", Operator.EQ, "EU shop")),
    ("customer_email_domain != 'gmail.com'", Comparison("customer_email_domain", Operator.NE, "gmail.com")),
    ("customer_tags CONTAINS 'it\\'s \\\\ ok'", Comparison("customer_tags", Operator.CONTAINS, "it's \\ ok")),
    ("churn_risk = 'high'", Comparison("churn_risk", Operator.EQ, "HIGH")),
])
def test_operators(query: str, expected: Comparison) -> None:
    assert parse(query) == expected


@pytest.mark.parametrize(("text", "value"), [
    ("2025-03-01", AbsoluteDate(date(2025, 3, 1))),
    ("-30d", RelativeDate(-30, "d")), ("-4w", RelativeDate(-4, "w")), ("-8m", RelativeDate(-8, "m")),
    ("-10y", RelativeDate(-10, "y")), ("+7d", RelativeDate(7, "d")), ("+3m", RelativeDate(3, "m")),
    ("today", NamedDate("today")), ("Yesterday", NamedDate("yesterday")), ("7_days_ago", NamedDate("7_days_ago")),
    ("30_DAYS_AGO", NamedDate("30_days_ago")), ("90_days_ago", NamedDate("90_days_ago")),
    ("12_months_ago", NamedDate("12_months_ago")),
])
def test_date_values(text: str, value: object) -> None:
    assert parse(f"last_order_date >= {text}") == Comparison("last_order_date", Operator.GE, value)


@pytest.mark.parametrize(("value", "day"), [
    (RelativeDate(-30, "d"), date(2026, 2, 27)), (RelativeDate(-4, "w"), date(2026, 3, 1)),
    (RelativeDate(-1, "m"), date(2026, 2, 28)), (RelativeDate(-13, "m"), date(2025, 2, 28)),
    (RelativeDate(+2, "y"), date(2028, 3, 29)), (NamedDate("today"), date(2026, 3, 29)),
    (NamedDate("yesterday"), date(2026, 3, 28)), (NamedDate("12_months_ago"), date(2025, 3, 29)),
    (AbsoluteDate(date(2020, 2, 29)), date(2020, 2, 29)),
])
def test_dates_resolve_against_the_given_today(value: AbsoluteDate | RelativeDate | NamedDate, day: date) -> None:
    assert resolve(value, date(2026, 3, 29)) == day
    assert resolve(RelativeDate(-1, "y"), date(2024, 2, 29)) == date(2023, 2, 28)
    assert set(NAMED_DATES) == {"today", "yesterday", "7_days_ago", "30_days_ago", "90_days_ago", "12_months_ago"}


def test_function_filters_take_parameters() -> None:
    assert parse("products_purchased(id: (1012132033639, 'gid://shopify/Product/7'), date: -30d) = true") == \
        FunctionCondition("products_purchased", (
            Param("id", Operator.EQ, ("1012132033639", "gid://shopify/Product/7")),
            Param("date", Operator.GE, RelativeDate(-30, "d"))), Operator.EQ, True)
    assert parse("PRODUCTS_PURCHASED(category: 'Shoes', sku: ('A', 'B')) = FALSE") == FunctionCondition(
        "products_purchased", (Param("category", Operator.EQ, ("Shoes",)), Param("sku", Operator.EQ, ("A", "B"))),
        Operator.EQ, False)
    window = Between(AbsoluteDate(date(2025, 1, 1)), RelativeDate(-1, "d"))
    assert parse("orders_placed(count_at_least: 2, date: BETWEEN 2025-01-01 AND -1d) != false") == FunctionCondition(
        "orders_placed", (Param("count_at_least", Operator.EQ, Decimal(2)), Param("date", Operator.BETWEEN, window)),
        Operator.NE, False)
    assert parse("products_purchased() = true") == FunctionCondition("products_purchased", (), Operator.EQ, True)


@pytest.mark.parametrize("spec", [f for f in FILTERS.values() if f.data is not Data.NONE], ids=lambda f: f.name)
def test_every_filter_example_parses_and_prints_back(spec: FilterSpec) -> None:
    tree = parse(spec.example)
    assert tree.name if isinstance(tree, FunctionCondition) else tree.filter == spec.name  # type: ignore[union-attr]
    assert to_text(tree) == spec.example


@pytest.mark.parametrize("query", [
    "sms_subscription_status = SUBSCRIBED", "customer_language = 'en'", "customer_account_status = ENABLED",
    "anniversary(date: 'metafields.facts.birth_date') BETWEEN today AND +30d", "storefront_events = true",
    "storefront.product_viewed(id: 1) = true", "shopify_email.opened(activity_id: 123) = true",
    "companies CONTAINS 'x'", "products_purchased(tag: 'summer') = true",
])
def test_filters_without_data_are_refused_by_name(query: str) -> None:
    name = query.split("(", maxsplit=1)[0].split(" ", maxsplit=1)[0]
    with pytest.raises(SegmentDataError, match=f"ecrm has no data for {name}") as e:
        parse(query)
    assert isinstance(e.value, UsageError) and e.value.exit_code == 2


# -- errors ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "message"), [
    ("amount_spent>", "line 1, column 14: expected a value after '>', found end of query"),
    ("", "line 1, column 1: the query is empty: expected a filter name such as amount_spent"),
    ("amout_spent > 5", "line 1, column 1: unknown filter 'amout_spent'; did you mean amount_spent?"),
    ("amount_spent 5", "line 1, column 14: expected one of =, !=, >, >=, <, <=, BETWEEN after 'amount_spent', "
                       "found '5'"),
    ("amount_spent > 5 5", "line 1, column 18: expected AND, OR or end of query, found '5'"),
    ("amount_spent > 5 AND", "line 1, column 21: expected a filter name such as amount_spent, NOT or '(', "
                             "found end of query"),
    ("(amount_spent > 5", "line 1, column 18: expected AND, OR or ')' to close the '(' at line 1, column 1, "
                          "found end of query"),
    ("NOT amount_spent > 5", "line 1, column 5: expected '(' after NOT, found 'amount_spent'"),
    ("amount_spent CONTAINS 5", "line 1, column 14: amount_spent does not take CONTAINS; "
                                "use one of =, !=, >, >=, <, <=, BETWEEN"),
    ("amount_spent BETWEEN 1 5", "line 1, column 24: expected AND and the upper end of the range after the lower "
                                 "end, found '5'"),
    ("customer_tags CONTAINS VIP", "line 1, column 24: expected a text in single quotes after 'CONTAINS', "
                                   "found 'VIP'"),
    ("customer_tags CONTAINS 'VIP", "line 1, column 24: this text has no closing single quote (')"),
    ("amount_spent > 5 &", "line 1, column 18: unexpected character '&'"),
    ("number_of_orders > 1.5", "line 1, column 20: expected a whole number, found '1.5'"),
    ("amount_spent > 1.005", "line 1, column 16: an amount has at most 2 decimals, found '1.005'"),
    ("email_subscription_status = MAYBE", "line 1, column 29: 'MAYBE' is not a value of email_subscription_status; "
                                          "use one of SUBSCRIBED, NOT_SUBSCRIBED, UNSUBSCRIBED, PENDING"),
    ("last_order_date > 2025-02-30", "line 1, column 19: '2025-02-30' is not a calendar date"),
    ("last_order_date > 30", "line 1, column 19: expected a date (YYYY-MM-DD, an offset such as -30d, or today, "
                             "yesterday, 7_days_ago...) after '>', found '30'"),
    ("last_order_date > -999y", "line 1, column 19: a date offset reaches at most about 100 years, found '-999y'"),
    ("last_order_date IS 5", "line 1, column 20: expected NULL after IS, found '5'"),
    ("customer_tags NOT 'x'", "line 1, column 19: expected CONTAINS after NOT, found the text 'x'"),
    ("products_purchased = true", "line 1, column 20: expected '(' after products_purchased, found '='"),
    ("products_purchased(colour: 'red') = true", "line 1, column 20: expected a parameter of products_purchased "
                                                 "(id:, tag:, sku:, category:, date:), found 'colour'"),
    ("products_purchased(id: 1, id: 2) = true", "line 1, column 27: the parameter id: is given twice"),
    ("products_purchased(id 1) = true", "line 1, column 23: expected ':' after 'id', found '1'"),
    ("products_purchased(id: 1 date: -1d) = true", "line 1, column 26: expected ',' or ')' after a parameter, "
                                                   "found 'date'"),
    ("products_purchased(id: 1) = yes", "line 1, column 29: expected true or false after '=', found 'yes'"),
    ("(" * 60 + "amount_spent > 5" + ")" * 60, "line 1, column 51: groups nest at most 50 deep"),
    ("amount_spent > 5\nAND number_of_orders >", "line 2, column 23: expected a value after '>', found end of query"),
])
def test_errors_say_where_and_what_was_expected(query: str, message: str) -> None:
    with pytest.raises(SegmentSyntaxError) as e:
        parse(query)
    assert str(e.value) == message
    assert e.value.exit_code == 2


# -- round trip and fuzzing --------------------------------------------------------------------------------------

def _case(draw: st.DrawFn, word: str) -> str:
    return draw(st.sampled_from([word.lower(), word.upper(), word.title()]))


def _value(draw: st.DrawFn, spec: FilterSpec | None, kind: Kind) -> str:
    if kind is Kind.MONEY:
        return format(draw(st.decimals(min_value=0, max_value=10**7, places=2)), "f")
    if kind is Kind.NUMBER:
        return format(draw(st.decimals(min_value=0, max_value=1000, places=3)), "f")
    if kind is Kind.COUNT:
        return str(draw(st.integers(0, 10_000)))
    if kind is Kind.DATE:
        return draw(st.one_of(
            st.dates(date(1900, 1, 1), date(2999, 12, 31)).map(date.isoformat),
            st.builds(lambda n, u: f"{n:+d}{u}", st.integers(-100, 100), st.sampled_from("dwmy")),
            st.sampled_from(sorted(NAMED_DATES))))
    if kind is Kind.ENUM and spec is not None:
        value = _case(draw, draw(st.sampled_from(spec.values)))
        return draw(st.sampled_from([value, quote(value)]))
    if kind is Kind.BOOLEAN:
        return _case(draw, draw(st.sampled_from(["true", "false"])))
    return quote(draw(st.text(max_size=12)))


@st.composite
def conditions(draw: st.DrawFn) -> str:
    spec = draw(st.sampled_from([f for f in FILTERS.values() if f.data is not Data.NONE]))
    head = _case(draw, spec.name)
    if spec.is_function:
        params = draw(st.lists(st.sampled_from([p for p in spec.params if p.data is not Data.NONE]), unique=True))
        head += "(" + ", ".join(f"{p.name}: {_param_value(draw, p.kind)}" for p in params) + ")"
    op = draw(st.sampled_from(spec.operators))
    if op in (Operator.IS_NULL, Operator.IS_NOT_NULL):
        return f"{head} {_case(draw, op.value)}"
    if op is Operator.BETWEEN:
        return f"{head} {_case(draw, 'between')} {_value(draw, spec, spec.kind)} AND {_value(draw, spec, spec.kind)}"
    return f"{head} {_case(draw, op.value)} {_value(draw, spec, spec.kind)}"


def _param_value(draw: st.DrawFn, kind: Kind) -> str:
    if kind is Kind.DATE:
        return draw(st.sampled_from(["", ">= ", "< ", "= "])) + _value(draw, None, Kind.DATE)
    if kind in (Kind.IDS, Kind.TEXTS):
        items = draw(st.lists(st.one_of(st.integers(1, 10**13).map(str), st.text(max_size=8).map(quote))
                              if kind is Kind.IDS else st.text(max_size=8).map(quote), min_size=1, max_size=3))
        return items[0] if len(items) == 1 else f"({', '.join(items)})"
    return _value(draw, None, kind)


queries = st.recursive(conditions(), lambda inner: st.one_of(
    st.builds(lambda a, b: f"{a} AND {b}", inner, inner),
    st.builds(lambda a, b: f"{a} or {b}", inner, inner),
    inner.map(lambda q: f"({q})"),
    inner.map(lambda q: f"NOT ({q})")), max_leaves=6)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(queries)
def test_parse_print_parse_round_trips(query: str) -> None:
    tree = parse(query)
    text = to_text(tree)
    assert parse(text) == tree
    assert to_text(parse(text)) == text


@pytest.mark.parametrize("query", [
    "amount_spent > 500 AND last_order_date < -90d",
    "(customer_tags CONTAINS 'VIP' OR number_of_orders >= 3) AND NOT (customer_countries CONTAINS 'US')",
    "products_purchased(id: (123, 'gid://shopify/Product/9'), date: BETWEEN 2024-01-01 AND -1d) = true",
    "products_purchased(sku: '123', category: 'Shoes', date: >= -30d) = false",
    "NOT (NOT (amount_spent > 1 OR amount_spent < 0.5) AND store = 'a\\'b')",
    "customer_cities CONTAINS 'US-NY-NewYork' OR customer_regions NOT CONTAINS 'US-CA'",
])
def test_canonical_text_is_a_fixed_point(query: str) -> None:
    assert to_text(parse(query)) == query


_FRAGMENTS = ["AND", "OR", "NOT", "(", ")", "'", ",", ":", "BETWEEN", "IS", "NULL", "CONTAINS", "-30d", "5",
              "2025-01-01", "true", "amount_spent", "products_purchased(", ">=", "\\", "\n", " "]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(queries)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=3)))
        end = at + draw(st.integers(0, 5))
        text = text[:at] + piece + text[at:] if action == "insert" else \
            text[:at] + text[end:] if action == "delete" else text[:at] + piece + text[end:]
    return text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=60), mutated()))
def test_any_text_parses_or_is_refused_as_a_usage_error(text: str) -> None:
    try:
        tree = parse(text)
    except UsageError:
        return
    assert parse(to_text(tree)) == tree


def test_the_user_guide_lists_the_catalogue() -> None:
    guide = (Path(__file__).parents[2] / "docs" / "segments.md").read_text(encoding="utf-8")
    table = guide.split("-->\n", 1)[1].split("<!-- filters:end -->")[0] if "filters:begin" in guide else ""
    assert table == markdown_table()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(queries)
def test_the_builders_rows_round_trip(query: str) -> None:
    tree = parse(query)
    rules = rules_of(tree)
    assert parse(text_of(rules)) == tree
    assert rules_of(parse(text_of(rules))) == rules
