"""Thermal storage tanks (buffer and hot-water tanks) as the hourly system kernel sees them.

The buffer is modelled as one fully mixed node; the hot-water tank as several stratified
nodes (``HotWater.nodes``, :mod:`mgwsim.system.dhw_tank`), so that draws run the tank out
and the heat pump heats its cold bottom. The heat pump's sink for the COP is the tank target
plus the charging margin (its outlet). Standby losses follow the tank's UA-value, derived from the EU
energy-label bound of its class (Regulation (EU) 812/2013, Annex II Table 2:
S = a + b·V^0.4 [W] at 45 K, EN 12897) when not given explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass

from mgwsim.building.dhw import standing_loss_w
from mgwsim.errors import InputError, check_number, check_positive

WATER_HEAT_CAPACITY_KWH_PER_L_K = 4.186 * 0.983 / 3600.0
"""Volumetric heat capacity of water at ~60 °C: c_p 4.186 kJ/(kg·K) × ρ 0.983 kg/l [kWh/(l·K)]."""

MAX_LABEL_VOLUME_L = 2000.0


@dataclass(frozen=True)
class Tank:
    """A hot-water or buffer tank (its volume, limits and standby loss).

    Parameters
    ----------
    volume_l : float
        Water volume [l] (total over identical tanks in parallel).
    min_degc, max_degc : float
        Lowest and highest allowed temperature [°C].
    ua_w_k : float, optional
        Standby heat-loss coefficient [W/K]; by default from the label class bound at 45 K,
        per tank of at most 2,000 l (larger volumes are split into equal tanks).
    label_class : str
        EU energy-label class used for the default UA (A+ ... F).
    ambient_degc : float
        Temperature of the plant room [°C].
    """

    volume_l: float
    min_degc: float = 20.0
    max_degc: float = 80.0
    ua_w_k: float | None = None
    label_class: str = "C"
    ambient_degc: float = 15.0

    def __post_init__(self):
        owner = "Tank"
        check_positive(self.volume_l, "volume_l", owner=owner, high=1e6, unit="l")
        check_number(self.min_degc, "min_degc", owner=owner, low=5.0, high=95.0, unit="degC")
        check_number(self.max_degc, "max_degc", owner=owner, low=self.min_degc, high=98.0, unit="degC")
        check_number(self.ambient_degc, "ambient_degc", owner=owner, low=-20.0, high=40.0, unit="degC")
        if self.max_degc - self.min_degc < 1.0:
            raise InputError(f"Tank.max_degc - Tank.min_degc = {self.max_degc - self.min_degc} K leaves no storage range")
        if self.ua_w_k is None:
            n_tanks = -(-self.volume_l // MAX_LABEL_VOLUME_L)
            ua = n_tanks * standing_loss_w(self.volume_l / n_tanks, self.label_class) / 45.0
            object.__setattr__(self, "ua_w_k", float(ua))
        else:
            check_number(self.ua_w_k, "ua_w_k", owner=owner, low=0.0, high=1000.0, unit="W/K")

    @property
    def heat_capacity_kwh_k(self) -> float:
        """Heat capacity of the water [kWh/K]."""
        return self.volume_l * WATER_HEAT_CAPACITY_KWH_PER_L_K

    @property
    def usable_kwh(self) -> float:
        """Energy between the minimum and maximum temperature [kWh]."""
        return self.heat_capacity_kwh_k * (self.max_degc - self.min_degc)
