from decimal import Decimal

import pytest

from portal.questionnaires.numbers import NBSP, NumberFormatError, format_number, parse_number


@pytest.mark.parametrize(
    "text",
    [
        "1 234 567,89",
        "1234567,89",
        "1234567.89",
        "1\u00a0234\u00a0567,89",
        "1\u202f234\u202f567.89",
    ],
)
def test_polish_thousands_separator_is_read_as_one_number(text):
    assert parse_number(text) == Decimal("1234567.89")


def test_whole_number_with_spaces_is_exact():
    assert parse_number(" 1 234 567 ") == Decimal(1234567)


def test_negative_numbers_accept_hyphen_and_minus_sign():
    assert parse_number("-1 250,5") == Decimal("-1250.5")
    assert parse_number("\u22123,5") == Decimal("-3.5")


def test_result_is_an_exact_decimal_not_a_float():
    value = parse_number("0,1")
    assert isinstance(value, Decimal) and value + parse_number("0,2") == Decimal("0.3")


@pytest.mark.parametrize(
    "text",
    ["12,34,5", "1.234,5", "1,234.5", "1 23", "12  345", "abc", "", "  ", "1e5", "+5", ".5", "5.",
     "- 5", "1_000", "\u0663", "12 3456", "1" * 41],
)
def test_garbage_and_ambiguous_numbers_are_refused(text):
    with pytest.raises(NumberFormatError):
        parse_number(text)


def test_more_than_eighteen_integer_digits_is_refused():
    assert parse_number("9" * 18) == Decimal("9" * 18)
    with pytest.raises(NumberFormatError):
        parse_number("9" * 19)


def test_polish_format_groups_thousands_with_nbsp_and_uses_comma():
    assert format_number(Decimal("1234567.89"), "pl") == f"1{NBSP}234{NBSP}567,89"


def test_english_format_uses_commas_and_dot():
    assert format_number(Decimal("1234567.89"), "en") == "1,234,567.89"


def test_format_rounds_half_up_to_places_and_never_shows_negative_zero():
    assert format_number(Decimal("2.345"), "pl", 2) == "2,35"
    assert format_number(Decimal("-0.001"), "pl", 2) == "0,00"
    assert format_number(1250, "en", 2) == "1,250.00"


def test_formatted_polish_number_parses_back_to_the_same_value():
    value = Decimal("-98765432.10")
    assert parse_number(format_number(value, "pl")) == value


def test_english_pages_read_commas_as_thousands_groups():
    assert parse_number("1,234,567.89", "en") == Decimal("1234567.89")
    assert parse_number("1,250", "en") == Decimal("1250")
    assert parse_number("1250.5", "en") == Decimal("1250.5")


def test_english_pages_refuse_a_comma_that_cannot_be_a_thousands_group():
    with pytest.raises(NumberFormatError):
        parse_number("1,5", "en")


def test_polish_pages_still_read_a_comma_as_the_decimal_separator():
    assert parse_number("1,5", "pl") == Decimal("1.5")
