"""``[report]``: the firm's branding of the report, its own templates and style sheet, and the PDF switch."""

from __future__ import annotations

from pathlib import Path

from mgwsim.branding import Branding, ReportSettings
from mgwsim.config._reader import Table
from mgwsim.errors import InputError

BRANDING_KEYS = ("firm", "logo", "author", "client", "project_number", "version", "date", "disclaimer")
REPORT_KEYS = (*BRANDING_KEYS, "template_dir", "stylesheet", "pdf", "smallest_connection", "connection_tolerance_kw",
               "connection_max_extra_backup_share")


def _path(t: Table, name: str, base_dir: Path, *, folder: bool) -> Path | None:
    """The file or folder ``name``, relative to the configuration file, checked to exist."""
    value = t.value(name, "str", None)
    if value is None:
        return None
    path = base_dir / value
    exists = path.is_dir() if folder else path.is_file()
    if not exists:
        raise InputError(f"{t.key(name)} = {value!r}: no such {'folder' if folder else 'file'} ({path})")
    return path


def _date(t: Table):
    """``date``: a TOML date (``date = 2026-12-06``) or ISO text; Branding checks it."""
    return t.data.get("date")


def read_report(root: Table, base_dir: Path) -> ReportSettings:
    """``[report]`` as :class:`~mgwsim.ReportSettings` (all keys optional; without the table: no branding)."""
    t = root.table("report", REPORT_KEYS) or Table({}, "report", REPORT_KEYS)
    texts = {key: t.value(key, "str", "") for key in ("firm", "author", "client", "project_number", "version",
                                                       "disclaimer")}
    logo = _path(t, "logo", base_dir, folder=False)
    with t.constructing():
        branding = Branding(**texts, logo=logo, date=_date(t))
        return ReportSettings(branding, template_dir=_path(t, "template_dir", base_dir, folder=True),
                              stylesheet=_path(t, "stylesheet", base_dir, folder=False),
                              pdf=t.value("pdf", "bool", False),
                              smallest_connection=t.value("smallest_connection", "bool", False),
                              connection_tolerance_kw=t.value("connection_tolerance_kw", "float", 1.0, low=0.1,
                                                              high=50.0, unit="kW"),
                              connection_max_extra_backup_share=t.value("connection_max_extra_backup_share", "float",
                                                                        0.01, low=0.0, high=1.0))
