"""Primary-energy indicator per m² in the manner of the Flemish residential EPC.

This is an **indicator, not the official EPC certificate**. The official Flemish EPC
(*energieprestatiecertificaat*) is drawn up by a certified energy expert with the
Flemish software and the EPC method (monthly calculation, default values for what was
not observed). mgwsim instead takes the annual final energy per use and carrier from its
hourly simulation and applies the same *kind* of bookkeeping:

.. math::

    E_{prim} = \\sum_{use} \\sum_{carrier} f_{p,carrier} \\, Q_{final,use,carrier}
               - f_{p,el} \\, E_{PV,credited}

    \\text{indicator} = E_{prim} / A_{heated}  \\quad [\\text{kWh/m}^2\\text{a}]

with uses heating, hot water, auxiliaries (pumps, fans, controls) and cooling; plug
loads, lighting and EV charging are not part of the residential indicator.

Conversion factors (``fp``): electricity 2.5 and fossil fuels 1.0 as in the Flemish EPB
regulation (Energiebesluit of 19 November 2010, annex on the EPB calculation method;
secondary, exact annex not verified). The EU default primary-energy factor for electricity, 1.9,
is available as :data:`EPC_FACTORS_EU_DEFAULT` (Directive (EU) 2023/1791, the article on
conversion factors -- Article 31 as far as we recall; check the article number before
citing it). See ``docs/epc_indicator.md`` for how the indicator differs from an EPC.

PV credit
---------
``pv_credit='production'`` (default): the whole annual PV production of the building's
own installation is credited with the electricity factor, without a cap, so that the
indicator can go below zero (label A+ exists for that). This is how we understand the
Flemish method to treat on-site PV; the EPB method computes the production with its
own monthly yield model, mgwsim uses its simulated production instead.
``pv_credit='self_used'``: only the self-consumed part is credited (a stricter reading,
useful as a sensitivity). Either way the credit is an approximation, stated as such.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mgwsim.assess.checks import CheckResult
from mgwsim._format import format_number
from mgwsim.errors import InputError, check_choice, check_number, check_positive

USES = ("heating", "hot_water", "auxiliary", "cooling")
"""Energy uses counted in the residential EPC indicator."""

EXCLUDED_USES = ("appliances", "lighting", "plug_loads", "ev_charging")
"""Uses that exist in a simulation but are not part of the residential indicator."""

EPC_FACTORS_FLANDERS: Mapping[str, float] = {
    "electricity": 2.5,
    "natural_gas": 1.0,
    "heating_oil": 1.0,
    "lpg": 1.0,
}
"""Flemish primary-energy conversion factors [kWh_prim/kWh_final] (EPB regulation, Energiebesluit of
19 November 2010; annex not verified).
Biomass, district heat and other carriers have no default here: pass them in ``factors``."""

EPC_FACTORS_EU_DEFAULT: Mapping[str, float] = {**EPC_FACTORS_FLANDERS, "electricity": 1.9}
"""As :data:`EPC_FACTORS_FLANDERS` with the EU default electricity factor 1.9
(Directive (EU) 2023/1791)."""

LABEL_UPPER_BOUNDS: tuple[tuple[str, float], ...] = (
    ("A", 100.0),
    ("B", 200.0),
    ("C", 300.0),
    ("D", 400.0),
    ("E", 500.0),
)
"""Flemish residential EPC label scale [kWh/m²·a]: A+ < 0, A 0-100, B 100-200, C 200-300,
D 300-400, E 400-500, F > 500 (Flemish EPC scale as widely reported; original publication not
identified). A boundary value belongs to the better label
(100 is A), consistent with the target "at most 100 kWh/m²"."""

PV_CREDITS = ("production", "self_used")
OWNER = "primary_energy_indicator"


@dataclass(frozen=True)
class EpcResult:
    """Primary-energy indicator of one variant (see :func:`primary_energy_indicator`).

    Attributes
    ----------
    final_kwh : DataFrame
        Annual final energy [kWh/a], index uses, columns carriers (missing = 0).
    primary_kwh_by_use, primary_kwh_by_carrier : Series
        Primary energy before the PV credit [kWh/a].
    pv_credit_kwh : float
        Primary energy credited for PV [kWh/a], >= 0 (subtracted from the total).
    total_primary_kwh : float
        Sum over uses minus the PV credit [kWh/a]; can be negative.
    heated_floor_area_m2 : float
    indicator_kwh_per_m2 : float
        ``total_primary_kwh / heated_floor_area_m2`` [kWh/m²·a].
    label : str
        EPC label of the indicator (:func:`epc_label`).
    factors : Mapping[str, float]
        Conversion factors used.
    pv_credit : str
        ``'production'`` or ``'self_used'``.
    """

    final_kwh: pd.DataFrame
    primary_kwh_by_use: pd.Series
    primary_kwh_by_carrier: pd.Series
    pv_credit_kwh: float
    total_primary_kwh: float
    heated_floor_area_m2: float
    indicator_kwh_per_m2: float
    label: str
    factors: Mapping[str, float] = field(repr=False)
    pv_credit: str = "production"

    def to_series(self) -> pd.Series:
        """KPIs as a Series: primary energy per use, PV credit, total, indicator, label."""
        data = {f"primary_{use}_kwh": float(v) for use, v in self.primary_kwh_by_use.items()}
        data |= {
            "pv_credit_primary_kwh": self.pv_credit_kwh,
            "total_primary_kwh": self.total_primary_kwh,
            "heated_floor_area_m2": self.heated_floor_area_m2,
            "epc_indicator_kwh_per_m2": self.indicator_kwh_per_m2,
            "epc_label": self.label,
        }
        return pd.Series(data, dtype=object, name="epc_indicator")

    def target_check(self, target_kwh_per_m2: float = 100.0) -> CheckResult:
        """:func:`epc_target_check` of this result."""
        return epc_target_check(self.indicator_kwh_per_m2, target_kwh_per_m2)


def epc_label(indicator_kwh_per_m2: float) -> str:
    """The Flemish residential EPC label of an indicator value [kWh/m²·a].

    A+ below 0; A for 0 up to and including 100; B above 100 up to and including 200;
    and so on to E (400-500); F above 500 (Flemish EPC scale; original publication not identified).
    """
    value = check_number(indicator_kwh_per_m2, "indicator_kwh_per_m2", owner="epc_label", unit="kWh/m2.a")
    if value < 0.0:
        return "A+"
    for label, upper in LABEL_UPPER_BOUNDS:
        if value <= upper:
            return label
    return "F"


def epc_target_check(indicator_kwh_per_m2: float, target_kwh_per_m2: float = 100.0) -> CheckResult:
    """Pass when the indicator is at most the target (default 100 kWh/m²·a, label A), else fail."""
    value = check_number(indicator_kwh_per_m2, "indicator_kwh_per_m2", owner="epc_target_check")
    target = check_number(target_kwh_per_m2, "target_kwh_per_m2", owner="epc_target_check")
    label = epc_label(value)
    digits = 1 if abs(value - target) < 1.0 else 0  # 100.4 against 100 must not read "100 above 100"
    v_en, v_nl = (format_number(value, lang, digits) for lang in ("en", "nl"))
    t = format_number(target, "en")
    if value <= target:
        status, en, nl = (
            "pass",
            f"The primary-energy indicator is {v_en} kWh/m² a year (label {label}), within the target of {t} kWh/m².",
            f"Het kengetal is {v_nl} kWh/m² per jaar (label {label}), binnen het doel van {t} kWh/m².",
        )
    else:
        above_en, above_nl = (format_number(value - target, lang, digits) for lang in ("en", "nl"))
        status, en, nl = (
            "fail",
            f"The primary-energy indicator is {v_en} kWh/m² a year (label {label}), "
            f"{above_en} kWh/m² above the target of {t} kWh/m².",
            f"Het kengetal is {v_nl} kWh/m² per jaar (label {label}), {above_nl} kWh/m² boven het doel van {t} kWh/m².",
        )
    return CheckResult("epc_target", status, value, "kWh/m2.a", target, en, nl)


def _final_energy_table(final_energy_kwh, factors: Mapping[str, float]) -> pd.DataFrame:
    """Validate {use: {carrier: kWh}} (or a DataFrame uses x carriers) into a DataFrame."""
    if isinstance(final_energy_kwh, pd.DataFrame):
        nested = {use: row.to_dict() for use, row in final_energy_kwh.iterrows()}
    elif isinstance(final_energy_kwh, Mapping):
        nested = final_energy_kwh
    else:
        raise InputError(f"{OWNER}.final_energy_kwh must be a mapping use -> {{carrier: kWh}}, got {final_energy_kwh!r}")
    carriers = list(factors)
    values = np.zeros((len(USES), len(carriers)))
    for use, by_carrier in nested.items():
        if use in EXCLUDED_USES:
            raise InputError(
                f"{OWNER}.final_energy_kwh: use {use!r} is not part of the residential EPC indicator; "
                f"allowed uses are {', '.join(USES)}"
            )
        check_choice(use, "final_energy_kwh use", USES, owner=OWNER)
        if not isinstance(by_carrier, Mapping):
            raise InputError(f"{OWNER}.final_energy_kwh[{use!r}] must be a mapping carrier -> kWh, got {by_carrier!r}")
        for carrier, kwh in by_carrier.items():
            check_choice(carrier, f"final_energy_kwh[{use!r}] carrier", tuple(factors), owner=OWNER)
            values[USES.index(use), carriers.index(carrier)] = check_number(
                kwh, f"final_energy_kwh[{use!r}][{carrier!r}]", owner=OWNER, low=0.0, unit="kWh/a")
    return pd.DataFrame(values, index=list(USES), columns=carriers)


def _check_factors(factors: Mapping[str, float]) -> dict[str, float]:
    if not isinstance(factors, Mapping) or not factors:
        raise InputError(f"{OWNER}.factors must be a non-empty mapping carrier -> factor, got {factors!r}")
    return {c: check_number(f, f"factors[{c!r}]", owner=OWNER, low=0.0) for c, f in factors.items()}


def _pv_credited_kwh(pv_generation_kwh, pv_self_used_kwh, pv_credit: str) -> float:
    generation = check_number(pv_generation_kwh, "pv_generation_kwh", owner=OWNER, low=0.0, unit="kWh/a")
    check_choice(pv_credit, "pv_credit", PV_CREDITS, owner=OWNER)
    if pv_self_used_kwh is None:
        if pv_credit == "self_used" and generation > 0.0:
            raise InputError(f"{OWNER}.pv_self_used_kwh is required when pv_credit='self_used'")
        return generation
    self_used = check_number(pv_self_used_kwh, "pv_self_used_kwh", owner=OWNER, low=0.0, high=generation, unit="kWh/a")
    return self_used if pv_credit == "self_used" else generation


def primary_energy_indicator(
    final_energy_kwh: Mapping[str, Mapping[str, float]] | pd.DataFrame,
    *,
    heated_floor_area_m2: float,
    pv_generation_kwh: float = 0.0,
    pv_self_used_kwh: float | None = None,
    factors: Mapping[str, float] | None = None,
    pv_credit: str = "production",
) -> EpcResult:
    """Annual primary energy per m² of heated floor area, EPC-style (an indicator, not an EPC).

    Parameters
    ----------
    final_energy_kwh : mapping use -> {carrier: kWh}, or DataFrame (uses x carriers)
        Annual final energy [kWh/a] per use (``heating``, ``hot_water``, ``auxiliary``,
        ``cooling``) and carrier (a key of ``factors``); missing entries count as 0.
    heated_floor_area_m2 : float
        Heated (conditioned) floor area of the building [m²], > 0.
    pv_generation_kwh : float
        Annual AC production of the building's own PV [kWh/a], >= 0.
    pv_self_used_kwh : float, optional
        The part of it used in the building [kWh/a], <= ``pv_generation_kwh``; needed for
        ``pv_credit='self_used'``.
    factors : mapping carrier -> factor, optional
        Primary-energy conversion factors [-]; default :data:`EPC_FACTORS_FLANDERS`.
        Must contain ``'electricity'`` when PV is credited.
    pv_credit : {'production', 'self_used'}
        Which PV energy is credited with the electricity factor (module docstring).

    Returns
    -------
    EpcResult

    Raises
    ------
    InputError
        Negative energy, unknown use or carrier, non-positive floor area, self-use above
        production.

    Examples
    --------
    >>> r = primary_energy_indicator({"heating": {"natural_gas": 10_000}}, heated_floor_area_m2=100)
    >>> r.indicator_kwh_per_m2, r.label
    (100.0, 'A')
    """
    factors = _check_factors(EPC_FACTORS_FLANDERS if factors is None else factors)
    area = check_positive(heated_floor_area_m2, "heated_floor_area_m2", owner=OWNER, unit="m2")
    table = _final_energy_table(final_energy_kwh, factors)
    credited_kwh = _pv_credited_kwh(pv_generation_kwh, pv_self_used_kwh, pv_credit)
    if credited_kwh > 0.0 and "electricity" not in factors:
        raise InputError(f"{OWNER}.factors needs an 'electricity' factor to credit PV production")
    weights = np.array([factors[c] for c in table.columns])
    primary_values = table.to_numpy() * weights
    by_use = pd.Series(primary_values.sum(axis=1), index=table.index)
    pv_primary = credited_kwh * factors.get("electricity", 0.0)
    total = float(by_use.sum()) - pv_primary
    indicator = total / area
    return EpcResult(
        final_kwh=table,
        primary_kwh_by_use=by_use,
        primary_kwh_by_carrier=pd.Series(primary_values.sum(axis=0), index=table.columns),
        pv_credit_kwh=pv_primary,
        total_primary_kwh=total,
        heated_floor_area_m2=area,
        indicator_kwh_per_m2=indicator,
        label=epc_label(indicator),
        factors=dict(factors),
        pv_credit=pv_credit,
    )
