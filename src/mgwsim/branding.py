"""The firm's marks on the report: name, logo, author, client, project number, version, date, disclaimer.

>>> Branding(firm="Studiebureau Schelde", project_number="2026-017", version="1.0").firm
'Studiebureau Schelde'

:class:`Branding` is checked where it is made (a wrong type, an unreadable or unknown logo, a
malformed date raise :class:`~mgwsim.errors.InputError` naming the field, the value and what is
allowed); :class:`ReportSettings` adds the template folder, the style sheet and the PDF switch,
as the ``[report]`` table of a study TOML gives them (``docs/config.md``). This module imports
nothing heavy, so reading a configuration does not load the report's libraries.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from mgwsim.errors import InputError, check_number

__all__ = ["LOGO_TYPES", "MAX_LOGO_BYTES", "Branding", "ReportSettings"]

LOGO_TYPES = {".png": "image/png", ".svg": "image/svg+xml"}
"""Logo file suffixes and their media types (the logo is embedded in the page as a data URI)."""
MAX_LOGO_BYTES = 2_000_000
"""Largest logo file embedded (the report is mailed; a logo needs far less)."""
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
TEXT_FIELDS = ("firm", "author", "client", "project_number", "version", "disclaimer")


def _check_text(value, name: str) -> str:
    if not isinstance(value, str):
        raise InputError(f"Branding.{name} must be a string, got {value!r} ({type(value).__name__})")
    return value.strip()


def _check_date(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InputError(f"Branding.date must be a date (datetime.date, or ISO text such as '2026-12-06'), got {value!r}")


def _check_file(value, name: str, owner: str) -> Path | None:
    if value is None:
        return None
    if not isinstance(value, (str, Path)) or str(value).strip() == "":
        raise InputError(f"{owner}.{name} must be a file path, got {value!r} ({type(value).__name__})")
    return Path(value)


def _logo_bytes(path: Path) -> bytes:
    """The logo file's bytes after checking its suffix, size and content."""
    suffix = path.suffix.lower()
    if suffix not in LOGO_TYPES:
        raise InputError(f"Branding.logo = {str(path)!r}: unknown image type {path.suffix!r}; allowed: "
                         f"{', '.join(LOGO_TYPES)}")
    if not path.is_file():
        raise InputError(f"Branding.logo = {str(path)!r}: no such file")
    size = path.stat().st_size
    if size > MAX_LOGO_BYTES:
        raise InputError(f"Branding.logo = {str(path)!r} is {size:,} bytes; allowed: at most {MAX_LOGO_BYTES:,}")
    data = path.read_bytes()
    if suffix == ".png" and not data.startswith(PNG_MAGIC):
        raise InputError(f"Branding.logo = {str(path)!r} is not a PNG image (its first bytes are not PNG's)")
    if suffix == ".svg" and b"<svg" not in data[:4096]:
        raise InputError(f"Branding.logo = {str(path)!r} is not an SVG image (no <svg> element at its start)")
    return data


@dataclass(frozen=True)
class Branding:
    """Who issues the report, for whom, and under which reference.

    Attributes
    ----------
    firm : str
        The firm's name, in the title block and the page header.
    logo : path-like or None
        A PNG or SVG file (at most :data:`MAX_LOGO_BYTES`), embedded in the page as a data URI.
    author, client, project_number, version : str
        Shown in the title block; the project number and version also in every page's header/footer.
    date : datetime.date, ISO text or None
        The report's date; None: the day it is written.
    disclaimer : str
        The firm's reservation, under the title block and at the end of the document.
    """

    firm: str = ""
    logo: Path | None = None
    author: str = ""
    client: str = ""
    project_number: str = ""
    version: str = ""
    date: dt.date | None = None
    disclaimer: str = ""

    def __post_init__(self):
        for name in TEXT_FIELDS:
            object.__setattr__(self, name, _check_text(getattr(self, name), name))
        object.__setattr__(self, "date", _check_date(self.date))
        logo = _check_file(self.logo, "logo", "Branding")
        if logo is not None:
            _logo_bytes(logo)
        object.__setattr__(self, "logo", logo)

    def logo_data_uri(self) -> str | None:
        """The logo as a ``data:`` URI (None without a logo)."""
        if self.logo is None:
            return None
        data = _logo_bytes(self.logo)
        return f"data:{LOGO_TYPES[self.logo.suffix.lower()]};base64,{base64.b64encode(data).decode('ascii')}"

    def report_date(self) -> dt.date:
        """:attr:`date`, or today when not given."""
        return self.date or dt.date.today()


@dataclass(frozen=True)
class ReportSettings:
    """How the report is written: the branding, a firm's own template folder and style sheet, and a PDF or not.

    Attributes
    ----------
    branding : Branding
    template_dir : Path or None
        A folder whose templates replace the packaged ones of the same name (``report.html.j2``,
        ``report.css``); the others are taken from the package.
    stylesheet : Path or None
        A CSS file added after the packaged style sheet (its rules win).
    pdf : bool
        Also write ``report.pdf`` (needs the optional ``pdf`` extra: WeasyPrint).
    smallest_connection : bool
        Search the smallest grid connection of the recommended variant and of each all-electric variant
        (:func:`mgwsim.report.connection.smallest_connections`) and report it; off by default (on in the demo).
    connection_tolerance_kw : float
        The search's tolerance on the import limit [kW], 0.1–50 (default 1).
    connection_max_extra_backup_share : float
        For a variant with a fuel-fired backup: how much of the heat the limit may move to the backup
        [-], 0–1 (default 0.01, one percentage point: an mgwsim choice, so that the limit does not undo
        what the heat pumps are for).
    """

    branding: Branding = field(default_factory=Branding)
    template_dir: Path | None = None
    stylesheet: Path | None = None
    pdf: bool = False
    smallest_connection: bool = False
    connection_tolerance_kw: float = 1.0
    connection_max_extra_backup_share: float = 0.01

    def __post_init__(self):
        if not isinstance(self.branding, Branding):
            raise InputError(f"ReportSettings.branding must be a Branding, got {self.branding!r}")
        if not isinstance(self.pdf, bool):
            raise InputError(f"ReportSettings.pdf must be true or false, got {self.pdf!r}")
        if not isinstance(self.smallest_connection, bool):
            raise InputError(f"ReportSettings.smallest_connection must be true or false, got "
                             f"{self.smallest_connection!r}")
        object.__setattr__(self, "connection_tolerance_kw", check_number(
            self.connection_tolerance_kw, "connection_tolerance_kw", owner="ReportSettings", low=0.1, high=50.0,
            unit="kW"))
        object.__setattr__(self, "connection_max_extra_backup_share", check_number(
            self.connection_max_extra_backup_share, "connection_max_extra_backup_share", owner="ReportSettings",
            low=0.0, high=1.0))
        object.__setattr__(self, "template_dir", _check_file(self.template_dir, "template_dir", "ReportSettings"))
        object.__setattr__(self, "stylesheet", _check_file(self.stylesheet, "stylesheet", "ReportSettings"))
