"""The ElaadNL charging statistics embedded in ``mgwsim/data/ev`` (see its README).

Everything is read once per process and kept as small numpy arrays; sampling functions
here turn uniform/normal draws into arrival slots, connection times and energies.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.special import ndtr

from mgwsim._data import data_path

PROFILES = ("private", "public", "workplace")
"""ElaadNL charge-point categories: home (private), public, workplace."""

SLOT_MINUTES = 15
"""Width of an arrival slot of the ElaadNL arrival distribution [min]."""


@dataclass(frozen=True)
class Profile:
    """The ElaadNL statistics of one charge-point category.

    Attributes
    ----------
    arrival_weekday_frac, arrival_weekend_frac : ndarray (96,)
        Share of a day's sessions arriving in each 15-min slot of local time [-] (sum 1,
        or all zero when ElaadNL gives no weekend data: workplace).
    exceedance_pct : ndarray (101,)
        0, 1, ..., 100 [%].
    connection_h, energy_kwh : ndarray (101,)
        Connection time [h] and energy [kWh] exceeded by ``exceedance_pct`` % of sessions.
    z_connection, z_energy : ndarray (96,)
        Normal score of ElaadNL's mean connection time / energy per arrival slot.
    rho_connection, rho_energy : float
        Gaussian-copula correlation between the slot score and the sampled quantile.
    weekday_share_frac : ndarray (7,)
        Share of a week's sessions per day, Monday first [-] (sum 1).
    """

    name: str
    arrival_weekday_frac: np.ndarray
    arrival_weekend_frac: np.ndarray
    exceedance_pct: np.ndarray
    connection_h: np.ndarray
    energy_kwh: np.ndarray
    z_connection: np.ndarray
    z_energy: np.ndarray
    rho_connection: float
    rho_energy: float
    weekday_share_frac: np.ndarray

    @property
    def mean_energy_kwh(self) -> float:
        """Mean energy per session of the (piecewise-linear) ElaadNL quantile function [kWh]."""
        return float(np.trapezoid(self.energy_kwh, self.exceedance_pct) / 100.0)

    def connection_quantile_h(self, level: np.ndarray) -> np.ndarray:
        """Connection time [h] at non-exceedance ``level`` ∈ [0, 1] (linear between percentiles)."""
        return np.interp(100.0 * (1.0 - level), self.exceedance_pct, self.connection_h)

    def energy_quantile_kwh(self, level: np.ndarray) -> np.ndarray:
        """Energy per session [kWh] at non-exceedance ``level`` ∈ [0, 1] (linear between percentiles)."""
        return np.interp(100.0 * (1.0 - level), self.exceedance_pct, self.energy_kwh)

    def sample_levels(self, slot: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Quantile levels (connection, energy) for sessions arriving in ``slot``.

        Gaussian copula: level = Φ(ρ·z[slot] + √(1−ρ²)·ε), ε ~ N(0, 1), so that sessions
        arriving when ElaadNL's mean is high draw from the upper part of the distribution
        while the marginal stays close to ElaadNL's (Nelsen, *An Introduction to Copulas*,
        2nd ed., Springer 2006, §3.3.2 and §5.1). Connection time and energy are drawn
        independently given the arrival slot.
        """
        eps = rng.standard_normal((2, slot.size))
        rc, re = self.rho_connection, self.rho_energy
        connection = ndtr(rc * self.z_connection[slot] + np.sqrt(1.0 - rc**2) * eps[0])
        energy = ndtr(re * self.z_energy[slot] + np.sqrt(1.0 - re**2) * eps[1])
        return connection, energy


@dataclass(frozen=True)
class EvModels:
    """EV models with sampling weights: registrations, battery [kWh], on-board AC charger [kW]."""

    names: tuple[str, ...]
    weight_frac: np.ndarray
    battery_kwh: np.ndarray
    max_ac_charge_kw: np.ndarray


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(data_path("ev", name))


@lru_cache(maxsize=None)
def load_profile(name: str) -> Profile:
    """The embedded ElaadNL statistics of charge-point category ``name`` (validated by the caller)."""
    arrival = _read("arrival_15min.csv")
    quantiles = _read("session_quantiles.csv")
    cond = _read("arrival_conditioning.csv")
    copula = _read("copula.csv").set_index(["profile", "quantity"])["rho"]
    shares = _read("weekday_shares.csv")[f"share_pct_{name}"].to_numpy(float)
    weekend = arrival[f"weekend_{name}"].to_numpy(float)
    return Profile(
        name=name,
        arrival_weekday_frac=_normalised(arrival[f"weekday_{name}"].to_numpy(float)),
        arrival_weekend_frac=_normalised(weekend) if weekend.sum() > 0 else weekend,
        exceedance_pct=quantiles["exceedance_pct"].to_numpy(float),
        connection_h=quantiles[f"connection_h_{name}"].to_numpy(float),
        energy_kwh=quantiles[f"energy_kwh_{name}"].to_numpy(float),
        z_connection=cond[f"z_connection_{name}"].to_numpy(float),
        z_energy=cond[f"z_energy_{name}"].to_numpy(float),
        rho_connection=float(copula[(name, "connection")]),
        rho_energy=float(copula[(name, "energy")]),
        weekday_share_frac=shares / shares.sum(),
    )


@lru_cache(maxsize=None)
def load_models() -> EvModels:
    """The 13 most registered EV models in the Netherlands (ev2gym's ``ev_specs.json``)."""
    table = _read("ev_models.csv")
    reg = table["registrations"].to_numpy(float)
    return EvModels(
        names=tuple(table["model"].astype(str)),
        weight_frac=reg / reg.sum(),
        battery_kwh=table["battery_kwh"].to_numpy(float),
        max_ac_charge_kw=table["max_ac_charge_kw"].to_numpy(float),
    )


def _normalised(values: np.ndarray) -> np.ndarray:
    return values / values.sum()
