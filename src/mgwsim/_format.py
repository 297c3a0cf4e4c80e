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


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_number(value, language: str, decimals: int = 0) -> str:
    """``value`` with thousands separators: ``1,234.5`` (en) or ``1.234,5`` (nl); '–' for NaN/None."""
    check_language(language)
    if _missing(value):
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
    if _missing(fraction):
        return "–"
    return format_number(100.0 * float(fraction), language, decimals) + " %"
