"""Numbers and money in running text, in English and Dutch (shared by the study and the report)."""

from __future__ import annotations

import math

from mgwsim.errors import check_choice

LANGUAGES = ("en", "nl")


def check_language(language: str) -> str:
    """``language`` if it is one of :data:`LANGUAGES`, else an InputError."""
    return check_choice(language, "language", LANGUAGES, owner="mgwsim text")


def in_language(pair: tuple[str, str], language: str) -> str:
    """The English or Dutch member of an ``(en, nl)`` pair."""
    return pair[LANGUAGES.index(check_language(language))]


def is_missing(value) -> bool:
    """True for None or NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_number(value, language: str, decimals: int = 0) -> str:
    """``value`` with thousands separators: ``1,234.5`` (en) or ``1.234,5`` (nl); '–' for NaN/None."""
    check_language(language)
    if is_missing(value):
        return "–"
    text = f"{float(value):,.{decimals}f}"
    if text in ("-0", "-0.0", "-0.00"):
        text = text[1:]
    if language == "nl":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def format_eur(value, language: str, decimals: int = 0) -> str:
    """An amount of money: ``EUR 1,234`` (en) or ``€ 1.234`` (nl)."""
    number = format_number(value, language, decimals)
    return number if number == "–" else ("€ " if language == "nl" else "EUR ") + number


def format_pct(fraction, language: str, decimals: int = 0) -> str:
    """A fraction as a percentage: ``54 %`` (en) or ``54 %`` with a decimal comma (nl)."""
    if is_missing(fraction):
        return "–"
    return format_number(100.0 * float(fraction), language, decimals) + " %"


def share_decimals(value: float, decimals: int = 0, *, against=(), max_decimals: int = 3) -> int:
    """Fewest decimals (from ``decimals``) at which ``value`` reads as what it is.

    A non-zero value is not shown as 0, and a value that differs from one of ``against`` is not
    shown equal to it (a share of 10.04 % is not "10 %, more than the 10 % tolerated"; a peak of
    100.4 kVA does not "exceed 100 kVA"), up to ``max_decimals``.
    """
    def same(a: float, b: float, d: int) -> bool:
        return a != b and round(a, d) == round(b, d)

    value = float(value)
    while decimals < max_decimals and any(same(value, float(other), decimals) for other in (0.0, *against)):
        decimals += 1
    return decimals


def format_share(fraction, language: str, *, against=()) -> str:
    """A share [-] as a percentage that reads as what it is: never 0 % when there is some, never
    100 % when it is not all, never equal to a threshold in ``against`` [-] when it differs
    (:func:`share_decimals`); below the last decimal, ``< 0.001 %``."""
    if is_missing(fraction):
        return "–"
    value = 100.0 * float(fraction)
    decimals = share_decimals(value, against=(100.0, *(100.0 * float(a) for a in against)))
    if value != 0.0 and round(value, decimals) == 0.0:
        return "< " + format_number(10.0 ** -decimals, language, decimals) + " %"
    return format_number(value, language, decimals) + " %"
