from ecrm_desktop.storage.search_index import match_expression, phone_terms


def test_every_word_becomes_a_quoted_prefix() -> None:
    assert match_expression("Ada Lovelace") == '"ada"* AND "lovelace"*'


def test_punctuation_and_fts_syntax_are_not_passed_through() -> None:
    assert match_expression('ada@ex.com" OR NEAR(') == '"ada"* AND "ex"* AND "com"* AND "or"* AND "near"*'
    assert match_expression("  ,;  ") is None


def test_phone_is_searchable_by_digits() -> None:
    terms = phone_terms("+1 (555) 010-2030")
    assert "15550102030" in terms and "5550102030" in terms


def test_a_search_can_be_limited_to_some_columns() -> None:
    assert match_expression("ada 42", ("name", "email")) == '{name email} : ("ada"* AND "42"*)'
    assert match_expression("  ", ("name",)) is None
