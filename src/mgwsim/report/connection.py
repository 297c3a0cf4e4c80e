"""The smallest grid connection in the report (issue 18): which variants are searched, and the search itself.

:func:`smallest_connections` runs :func:`mgwsim.study.connection.connection_search` (peak-limited
control with the buffer's look-ahead charging and the building's mass, comfort judged as in
EN 15251:2007 Annex F/G: at most 3 % of the heating hours more than 1 K below the setpoint) on the
variant the report details and on every all-electric variant (no fuel-fired backup) on the
low-voltage connection. A variant with a fuel-fired backup keeps its rooms warm at almost any limit
by burning gas, so for it the limit may move at most ``max_extra_backup_share`` of the heat to the
backup (:class:`~mgwsim.study.connection.ComfortLimit`); without that rule its "smallest connection"
would be the one that turns it back into a gas boiler.

The report's section and sentence: :func:`mgwsim.report.html.connection_section`,
:func:`mgwsim.report.text.connection_table`, :func:`mgwsim.report.text.connection_sentence`.
"""

from __future__ import annotations

from mgwsim.errors import check_number

__all__ = ["connection_variants", "smallest_connections"]


def connection_variants(result) -> list[str]:
    """The variants whose smallest connection the report shows: the one it details
    (:attr:`~mgwsim.study.StudyResult.detail_variant`), then each all-electric variant, those on the
    low-voltage connection only (a medium-voltage cabin is sized on its peak)."""
    names = [result.detail_variant] + [vr.variant.name for vr in result.results
                                       if not vr.variant.plant.backup.is_combustion]
    return [name for name in dict.fromkeys(names) if result.result(name).variant.connection == "lv"]


def smallest_connections(result, *, tol_kw: float = 1.0, max_extra_backup_share: float = 0.01,
                         names=None) -> dict:
    """``{variant name: ConnectionResult}`` for :func:`connection_variants` (or ``names``).

    ``tol_kw`` the bisection's tolerance on the import limit [kW] (0.1–50); ``max_extra_backup_share``
    the rise of the backup's share of the heat [-] a limit may cause in a variant with a fuel-fired
    backup (0–1).
    """
    from mgwsim.study.connection import ComfortLimit

    tol = check_number(tol_kw, "tol_kw", owner="smallest_connections", low=0.1, high=50.0, unit="kW")
    backup = check_number(max_extra_backup_share, "max_extra_backup_share", owner="smallest_connections", low=0.0,
                          high=1.0)
    out = {}
    for name in (connection_variants(result) if names is None else names):
        fuel = result.result(name).variant.plant.backup.is_combustion
        comfort = ComfortLimit(max_extra_backup_share=backup if fuel else None)
        out[name] = result.smallest_connection(name, comfort=comfort, tol_kw=tol)
    return out
