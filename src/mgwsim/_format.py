"""Numbers and money in running text, in English and Dutch (shared by the study and the report)."""

from __future__ import annotations

import functools
import math

from babel.dates import format_date as babel_format_date
from babel.numbers import format_currency, format_decimal

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


LOCALES = {"en": "en_GB", "nl": "nl_BE"}
"""The Babel locale of each report language: British English, and Flemish Dutch (nl-BE: "3.318",
"1,5 %", "€ 6.000")."""

CURRENCY_PATTERNS = {"en": "¤¤ #,##0;¤¤ -#,##0", "nl": "¤ #,##0;¤ -#,##0"}
"""Money: the ISO code before the amount in English ("EUR 1,234", as Belgian and EU English documents
write it), the sign after the symbol or code ("€ -1.234", the order of the CLDR nl-BE currency pattern)."""


def locale_of(language: str) -> str:
    """The Babel locale of ``language`` (:data:`LOCALES`)."""
    return LOCALES[check_language(language)]


def _decimal_pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def _rounded(value: float, decimals: int) -> float:
    """``value`` rounded as Python rounds the float (as :func:`round` and f-strings do, so that a number prints
    as the sentences' sign checks see it: Babel alone would round the decimal text half-even, 2.85 to 2.8),
    and 0.0 for a value that prints as zero, so that -0.004 never shows as "-0"."""
    rounded = round(value, decimals)
    return 0.0 if rounded == 0.0 else rounded


def format_number(value, language: str, decimals: int = 0) -> str:
    """``value`` with the language's separators (Babel, :data:`LOCALES`): ``1,234.5`` (en) or ``1.234,5``
    (nl); '–' for NaN/None."""
    check_language(language)
    if is_missing(value):
        return "–"
    return _decimal_text(_rounded(float(value), decimals), decimals, language)


@functools.lru_cache(maxsize=8192)
def _decimal_text(rounded: float, decimals: int, language: str) -> str:
    """Babel's text of an already rounded value, kept: a stock's rows repeat the same few (construction years,
    ages, shares and indicators to their decimals). Below :func:`_plain_limit` Python's own formatting gives
    Babel's characters (:func:`_plain_text`, about 1 µs a number against Babel's 15-45 µs)."""
    if abs(rounded) < _plain_limit(decimals):
        return _plain_text(rounded, decimals, language)
    return format_decimal(rounded, format=_decimal_pattern(decimals), locale=locale_of(language))


_SEPARATORS = {"en": str.maketrans({}), "nl": str.maketrans({",": ".", ".": ","})}
"""Python's ``,`` (group) and ``.`` (decimal) as each language's Babel locale writes them (:data:`LOCALES`:
en_GB ``,`` and ``.``, nl_BE ``.`` and ``,``; both write the minus sign as ``-``)."""


def _plain_limit(decimals: int) -> float:
    """Magnitude below which Python's formatting of a value already rounded to ``decimals`` gives Babel's digits.
    Babel formats ``Decimal(str(value))`` (the shortest repr), Python the exact binary value, both rounding
    half-even. Below 10^(15 - decimals) doubles lie closer than 0.22 x 10^-decimals, so the rounded value's
    shortest repr is the rounded decimal number and its exact value lies within a fifth of a last decimal of
    it: both print that number. Other values (and NaN, infinities) go to Babel."""
    return 10.0 ** (15 - decimals) if 0 <= decimals <= 15 else 0.0


def _plain_text(rounded: float, decimals: int, language: str) -> str:
    """``rounded`` grouped by thousands with ``decimals`` decimals in the language's separators
    (:data:`_SEPARATORS`), as Babel's ``#,##0.0...`` pattern writes it (tests compare both)."""
    return f"{rounded:,.{decimals}f}".translate(_SEPARATORS[language])


def format_eur(value, language: str, decimals: int = 0) -> str:
    """An amount of money (Babel, :data:`CURRENCY_PATTERNS`): ``EUR 1,234`` (en) or ``€ 1.234`` (nl)."""
    check_language(language)
    if is_missing(value):
        return "–"
    value = _rounded(float(value), decimals)
    fraction = "." + "0" * decimals if decimals > 0 else ""
    pattern = ";".join(part.replace("#,##0", "#,##0" + fraction) for part in CURRENCY_PATTERNS[language].split(";"))
    return format_currency(value, "EUR", format=pattern, locale=locale_of(language), currency_digits=False)


def format_pct(fraction, language: str, decimals: int = 0) -> str:
    """A fraction as a percentage: ``54 %`` (en) or ``54,4 %`` with a decimal comma (nl): a space before the
    sign in both languages, as the SI brochure and the Belgian style guides write it."""
    if is_missing(fraction):
        return "–"
    return format_number(100.0 * float(fraction), language, decimals) + " %"


def format_date(date, language: str) -> str:
    """A date in words (Babel): ``6 December 2026`` (en) or ``6 december 2026`` (nl)."""
    return babel_format_date(date, format="long", locale=locale_of(language))


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
