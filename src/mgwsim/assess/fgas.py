"""Refrigerant check against the placing-on-the-market prohibitions of the EU F-gas Regulation.

Regulation (EU) 2024/573 (in force 11 March 2024), Article 13(1) and Annex IV, prohibits
placing *new* air-conditioning and heat pump equipment on the market from given dates,
by construction (self-contained/monobloc or split), rated capacity and the GWP of the
fluorinated gas it contains. The rules are encoded as rows of
``mgwsim/data/refrigerants/fgas_annex_iv_rules.csv`` (dates and thresholds; the Annex IV
point numbers are not verified and are marked so -- see the folder's README).

Verdicts of :func:`refrigerant_check` for equipment installed (placed on the market) in
``install_year`` and judged up to ``horizon_year``:

* ``pass``: a natural refrigerant (not an F-gas), or no prohibition applies up to the horizon;
* ``warn``: a prohibition for new equipment of this kind starts after installation and
  within the horizon. Installed equipment may still be used and serviced, but
  replacement units, spare parts and refrigerant become scarcer and dearer, and later
  rules may tighten further;
* ``fail``: the equipment could not be placed on the market in the install year.

GWP basis. Annex I of the adopted Regulation (EU) 2024/573 lists 100-year GWPs from the
IPCC Fourth Assessment Report (HFC-32 675, HFC-134a 1 430; blends by Annex VI), so the
check uses AR4 values by default. AR6 values are stored too and can be chosen with
``gwp_basis='ar6'`` for a sensitivity view; they are not the legal basis.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from mgwsim._data import data_path
from mgwsim.assess.checks import CheckResult
from mgwsim.errors import InputError, check_choice, check_number, check_positive

EQUIPMENT_TYPES = ("self_contained", "monobloc", "split")
"""``monobloc`` is an alias of ``self_contained``."""

APPLICATIONS = ("air_to_water", "air_to_air", "water_to_water", "brine_to_water")
GWP_BASES = ("ar4", "ar6")
OWNER = "refrigerant_check"


def load_refrigerants() -> pd.DataFrame:
    """Refrigerant table: composition, GWP (AR4 and AR6), safety class, natural, fluorinated (a copy: yours to
    change)."""
    return _refrigerant_table().copy()


def load_fgas_rules() -> pd.DataFrame:
    """Annex IV placing-on-the-market prohibitions for air-conditioning and heat pumps (a copy: yours to change)."""
    return _fgas_rule_table().copy()


@lru_cache(maxsize=1)
def _refrigerant_table() -> pd.DataFrame:
    """The shipped refrigerant table, read once per process (a city batch judges a new unit size per building)."""
    table = pd.read_csv(data_path("refrigerants", "refrigerants.csv"), dtype={"natural": bool, "fluorinated": bool})
    return table.set_index("refrigerant")


@lru_cache(maxsize=1)
def _fgas_rule_table() -> pd.DataFrame:
    return pd.read_csv(data_path("refrigerants", "fgas_annex_iv_rules.csv"), dtype={"all_fgases": bool}).set_index("rule_id")


def _canonical(name: str) -> str:
    """'r-32', 'R 32', 'r32' -> 'R32'; 'R1234ze(e)' -> 'R1234ze(E)'."""
    text = re.sub(r"[\s\-]", "", str(name)).upper()
    return text.replace("ZE(E)", "ze(E)").replace("YF", "yf").replace("134A", "134a").replace("600A", "600a")


def refrigerant_properties(refrigerant: str) -> pd.Series:
    """Row of :func:`load_refrigerants` for a refrigerant name (``'R32'``, ``'R-410A'``, ...)."""
    table = _refrigerant_table()
    key = _canonical(refrigerant)
    if key not in table.index:
        raise InputError(f"{OWNER}.refrigerant = {refrigerant!r} is unknown; known: {', '.join(table.index)}")
    return table.loc[key].copy()


def _applicable_rules(rules, equipment_type, application, capacity_kw, gwp, safety_exception) -> pd.DataFrame:
    in_class = (rules["equipment_type"] == equipment_type) & rules["application"].isin(("any", application))
    in_size = (capacity_kw > rules["capacity_above_kw"]) & (capacity_kw <= rules["capacity_up_to_kw"])
    limit = rules["gwp_at_least"].where(~(safety_exception & rules["gwp_limit_if_safety"].notna()), rules["gwp_limit_if_safety"])
    all_gases = rules["all_fgases"] & ~(safety_exception & rules["gwp_limit_if_safety"].notna())
    hits = rules[in_class & in_size & (all_gases | (gwp >= limit))].copy()
    hits["applied_limit"] = limit[hits.index].where(~all_gases[hits.index], 0.0)
    return hits.sort_values("from_year")


def _verdict(rules: pd.DataFrame, install_year: int, horizon_year: int) -> tuple[str, pd.Series | None]:
    """Status and the binding rule: the earliest one in force at install, else within the horizon."""
    in_force = rules[rules["from_year"] <= install_year]
    if len(in_force):
        return "fail", in_force.iloc[0]
    coming = rules[rules["from_year"] <= horizon_year]
    if len(coming):
        return "warn", coming.iloc[0]
    return "pass", None


def _limit_text(rule: pd.Series) -> str:
    return "any F-gas" if rule["applied_limit"] == 0 else f"GWP of {rule['applied_limit']:.0f} or more"


def _natural_result(name: str, gwp: float) -> CheckResult:
    return CheckResult(
        "refrigerant",
        "pass",
        gwp,
        "GWP",
        None,
        f"{name} is a natural refrigerant: the EU F-gas bans on new equipment do not apply to it.",
        f"{name} is een natuurlijk koudemiddel: de Europese F-gasverboden voor nieuwe toestellen gelden er niet voor.",
    )


def refrigerant_check(
    refrigerant: str,
    equipment_type: str,
    capacity_kw: float,
    *,
    install_year: int,
    horizon_year: int,
    application: str = "air_to_water",
    gwp_basis: str = "ar4",
    safety_exception: bool = False,
) -> CheckResult:
    """Judge a heat pump's refrigerant against Regulation (EU) 2024/573 Annex IV.

    Parameters
    ----------
    refrigerant : str
        ``'R290'``, ``'R32'``, ``'R410A'``, ... (see :func:`load_refrigerants`).
    equipment_type : {'self_contained', 'monobloc', 'split'}
        Construction of the unit (monobloc = self-contained).
    capacity_kw : float
        Rated heating capacity [kW], > 0 (the regulation does not yet define the rating
        point; use the datasheet's nominal capacity).
    install_year : int
        Year the new unit is placed on the market / installed.
    horizon_year : int
        Last year of the study horizon (>= ``install_year``), e.g. install year + lifetime.
    application : {'air_to_water', 'air_to_air', 'water_to_water', 'brine_to_water'}
        Matters for split systems up to 12 kW (air-to-water 2027, air-to-air 2029).
    gwp_basis : {'ar4', 'ar6'}
        GWP values used for the thresholds (module docstring).
    safety_exception : bool
        True when safety requirements at the site do not allow a lower-GWP alternative:
        the regulation then raises the limit to 750 for the rules that provide this
        exception (as we read the secondary sources; README).

    Returns
    -------
    CheckResult
        ``value`` is the refrigerant's GWP on ``gwp_basis``; ``threshold`` the GWP limit
        of the binding rule (0 for "any F-gas"), ``None`` when none applies.
    """
    props = refrigerant_properties(refrigerant)
    name = str(props.name)
    check_choice(equipment_type, "equipment_type", EQUIPMENT_TYPES, owner=OWNER)
    check_choice(application, "application", APPLICATIONS, owner=OWNER)
    check_choice(gwp_basis, "gwp_basis", GWP_BASES, owner=OWNER)
    capacity = check_positive(capacity_kw, "capacity_kw", owner=OWNER, unit="kW", high=10_000)
    install = int(check_number(install_year, "install_year", owner=OWNER, low=2000, high=2100))
    horizon = int(check_number(horizon_year, "horizon_year", owner=OWNER, low=install, high=2150))
    gwp = float(props[f"gwp_{gwp_basis}"])
    if not props["fluorinated"]:
        return _natural_result(name, gwp)
    kind = "self_contained" if equipment_type == "monobloc" else equipment_type
    hits = _applicable_rules(_fgas_rule_table(), kind, application, capacity, gwp, bool(safety_exception))
    status, rule = _verdict(hits, install, horizon)
    return _compose(name, gwp, gwp_basis, status, rule, install, horizon)


def _compose(name, gwp, basis, status, rule, install, horizon) -> CheckResult:
    threshold = None if rule is None else float(rule["applied_limit"])
    if status == "fail":
        en = (
            f"New {rule['description']} may not be placed on the EU market from {rule['from_year']} "
            f"(Regulation (EU) 2024/573, Annex IV): a {name} unit cannot be installed new in {install}."
        )
        nl = f"Nieuwe toestellen met {name} mogen vanaf {rule['from_year']} niet meer op de EU-markt (Verordening (EU) 2024/573, bijlage IV)."
    elif status == "warn":
        en = (
            f"{name} is allowed in {install}, but new units of this kind with {_limit_text(rule)} are banned from "
            f"{rule['from_year']} (Regulation (EU) 2024/573, Annex IV): expect scarcer replacement units, spare parts "
            "and refrigerant during the building's horizon."
        )
        nl = (
            f"{name} mag in {install}, maar nieuwe toestellen van dit type worden vanaf {rule['from_year']} verboden: "
            "vervangtoestellen, onderdelen en koudemiddel worden schaarser."
        )
    else:
        en = (
            f"No EU F-gas ban on new units of this kind with {name} (GWP {gwp:g}, {basis.upper()}) applies up to "
            f"{horizon}; later rules may still tighten."
        )
        nl = f"Tot {horizon} geldt geen Europees F-gasverbod voor nieuwe toestellen van dit type met {name}."
    return CheckResult("refrigerant", status, gwp, f"GWP ({basis.upper()})", threshold, en, nl)


def is_natural(refrigerant: str) -> bool:
    """True for natural refrigerants (R290, R600a, R1270, R744, R717)."""
    return bool(refrigerant_properties(refrigerant)["natural"])


__all__ = [
    "APPLICATIONS",
    "EQUIPMENT_TYPES",
    "is_natural",
    "load_fgas_rules",
    "load_refrigerants",
    "refrigerant_check",
    "refrigerant_properties",
]
