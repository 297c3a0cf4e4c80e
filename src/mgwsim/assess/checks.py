"""Pass/warn/fail checks that a co-owner can read, and the chimney-free check.

:class:`CheckResult` is the common result type of every assessment check in mgwsim
(EPC target, chimney-free, refrigerant, and the lock-in checks built on them): a status,
the value that was judged, the threshold it was judged against and one plain sentence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from mgwsim._format import format_number
from mgwsim.errors import InputError, check_choice, check_number

STATUSES = ("pass", "warn", "fail")
"""Allowed values of :attr:`CheckResult.status`, from best to worst."""


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one assessment check.

    Parameters
    ----------
    name : str
        Short machine name of the check (``"epc_target"``, ``"chimney_free"``, ...).
    status : {'pass', 'warn', 'fail'}
        The verdict.
    value : float, str or None
        What was judged (an indicator, an amount of energy, a GWP, ...).
    unit : str
        Unit of ``value`` and ``threshold`` (``"kWh/m2.a"``, ``"kWh/a"``, ``""``).
    threshold : float, str or None
        What ``value`` was judged against.
    sentence : str
        One readable English sentence for a co-owner explaining the verdict.
    sentence_nl : str, optional
        The same sentence in Dutch.
    """

    name: str
    status: str
    value: float | str | None
    unit: str
    threshold: float | str | None
    sentence: str
    sentence_nl: str | None = None

    def __post_init__(self):
        check_choice(self.status, "status", STATUSES, owner=f"CheckResult({self.name!r})")
        if not self.sentence or not self.sentence.strip():
            raise InputError(f"CheckResult({self.name!r}).sentence must be a non-empty sentence")

    @property
    def passed(self) -> bool:
        """True when the status is ``'pass'``."""
        return self.status == "pass"

    def to_series(self) -> pd.Series:
        """The result as a ``Series`` (index: the field names), e.g. for a results table."""
        fields = ("name", "status", "value", "unit", "threshold", "sentence", "sentence_nl")
        return pd.Series({f: getattr(self, f) for f in fields}, dtype=object, name=self.name)


def worst_status(statuses: Iterable[str]) -> str:
    """The worst of several statuses (``fail`` > ``warn`` > ``pass``); ``pass`` when empty."""
    ranks = [STATUSES.index(check_choice(s, "status", STATUSES, owner="worst_status")) for s in statuses]
    return STATUSES[max(ranks, default=0)]


# ---------------------------------------------------------------------------------------
# chimney-free
# ---------------------------------------------------------------------------------------

COMBUSTION_KINDS = ("gas_boiler", "oil_boiler", "lpg_boiler", "chp", "wood_stove", "pellet_boiler", "gas_stove")
"""Appliances that burn a fuel and so need a flue (chimney)."""

_COMBUSTION_NAMES = {
    "gas_boiler": ("the gas boiler", "de gasketel"), "oil_boiler": ("the oil boiler", "de stookolieketel"),
    "lpg_boiler": ("the LPG boiler", "de LPG-ketel"), "chp": ("the CHP unit", "de WKK"),
    "wood_stove": ("the wood stove", "de houtkachel"), "pellet_boiler": ("the pellet boiler", "de pelletketel"),
    "gas_stove": ("the gas stove", "de gaskachel"),
}
"""Combustion appliances by name in running text (English, Dutch)."""

NON_COMBUSTION_KINDS = (
    "heat_pump",
    "electric_boiler",
    "electric_heater",
    "district_heat",
    "solar_thermal",
)
"""Heat producers without combustion on site."""


@dataclass(frozen=True)
class Appliance:
    """A heat producer of a variant and the fuel or electricity it uses in a year.

    Parameters
    ----------
    kind : str
        One of :data:`COMBUSTION_KINDS` or :data:`NON_COMBUSTION_KINDS`.
    annual_energy_kwh : float
        Final energy it uses in the variant's year [kWh/a], >= 0. Zero means it is
        kept (e.g. as a disconnected reserve) but not used.
    label : str, optional
        A readable name ("collective gas boiler, basement").
    """

    kind: str
    annual_energy_kwh: float
    label: str | None = None

    def __post_init__(self):
        owner = f"Appliance({self.label or self.kind!r})"
        check_choice(self.kind, "kind", COMBUSTION_KINDS + NON_COMBUSTION_KINDS, owner=owner)
        check_number(self.annual_energy_kwh, "annual_energy_kwh", owner=owner, low=0.0, unit="kWh/a")

    @property
    def burns_fuel(self) -> bool:
        """True for a combustion appliance."""
        return self.kind in COMBUSTION_KINDS


def _as_appliances(appliances) -> list[Appliance]:
    if isinstance(appliances, Mapping):
        return [Appliance(kind, energy) for kind, energy in appliances.items()]
    items = list(appliances)
    for item in items:
        if not isinstance(item, Appliance):
            raise InputError(f"chimney_free.appliances must hold Appliance objects, got {item!r}")
    return items


def chimney_free(appliances: Mapping[str, float] | Iterable[Appliance]) -> CheckResult:
    """Check that no combustion appliance remains in use in a variant.

    A variant is chimney-free (*schouwvrij*, as the Antwerp climate plan calls it) when
    every appliance that burns a fuel on site (gas, oil or LPG boiler, CHP, wood or
    pellet stove) uses no energy in the year. An appliance that is kept but unused
    (0 kWh) does not make the variant fail.

    Parameters
    ----------
    appliances : mapping kind -> annual kWh, or iterable of :class:`Appliance`
        The heat producers of the variant and their annual final energy [kWh/a].

    Returns
    -------
    CheckResult
        ``fail`` with the combustion energy [kWh/a] as value if any combustion
        appliance is used, else ``pass`` (threshold 0 kWh/a).
    """
    items = _as_appliances(appliances)
    burning = [a for a in items if a.burns_fuel and a.annual_energy_kwh > 0.0]
    fuel_kwh = sum(a.annual_energy_kwh for a in burning)
    if not burning:
        return CheckResult(
            "chimney_free",
            "pass",
            0.0,
            "kWh/a",
            0.0,
            "The building is chimney-free: no boiler or stove burns fuel on site in this variant.",
            "Het gebouw is schouwvrij: in deze variant verbrandt geen ketel of kachel nog brandstof.",
        )
    names_en = ", ".join(f"{a.label or _COMBUSTION_NAMES[a.kind][0]} ({format_number(a.annual_energy_kwh, 'en')} "
                         "kWh a year)" for a in burning)
    names_nl = ", ".join(f"{a.label or _COMBUSTION_NAMES[a.kind][1]} ({format_number(a.annual_energy_kwh, 'nl')} "
                         "kWh per jaar)" for a in burning)
    return CheckResult(
        "chimney_free",
        "fail",
        float(fuel_kwh),
        "kWh/a",
        0.0,
        f"The building is not chimney-free: fuel is still burned on site by {names_en}.",
        f"Het gebouw is niet schouwvrij: er wordt nog brandstof verbrand door {names_nl}.",
    )
