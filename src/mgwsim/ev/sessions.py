"""Charging sites and seeded charging sessions from the ElaadNL statistics.

A *session* is one car connected to one charge point from ``arrival_step`` (inclusive) to
``departure_step`` (exclusive) that needs ``energy_need_kwh``. Sessions are drawn per car
and local calendar day (:func:`generate_sessions`) or given by the user
(:meth:`Sessions.from_frame`); both paths validate the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mgwsim.errors import InputError, check_choice, check_number, check_positive, check_series
from mgwsim.ev._data import PROFILES, SLOT_MINUTES, load_models, load_profile

STEP_HOURS_ALLOWED = (1.0, 0.25)
"""Time steps supported by :func:`generate_sessions` [h]: hourly and 15-minute."""

DEFAULT_ANNUAL_ENERGY_PER_CAR_KWH = 2000.0
"""Energy a car charges at the site per year [kWh] (assumption, see :class:`ChargingSite`)."""

REJECT_CAR_CONNECTED = "car_connected"
REJECT_NO_FREE_POINT = "no_free_point"
REJECT_OUTSIDE = "outside_horizon"


@dataclass(frozen=True)
class ChargingSite:
    """Collective charge points in the building's car park.

    Parameters
    ----------
    n_points : int
        Number of charge points (one car each at a time) [-].
    n_cars : int
        Number of cars sharing the points [-].
    point_power_kw : float
        AC power of one point [kW]; 11 kW (16 A three-phase) is typical. A session charges
        at most min(point power, the car's on-board charger).
    site_limit_kw : float, optional
        Import limit of the site for dynamic load management [kW] (building + EV), used by
        the ``peak_limited`` and ``pv_surplus_limited`` strategies.
    profile : {"private", "public", "workplace"}
        ElaadNL charge-point category whose statistics drive the sessions. A residents-only
        car park of an apartment building is home charging, i.e. ``"private"``: arrivals
        peak at 18:00 and cars stay overnight (median 11 h).
    annual_energy_per_car_kwh : float
        Energy each car charges at the site per year [kWh]; sets the daily session
        probability (see :meth:`session_probability`). The default 2000 kWh is an mgwsim
        assumption: about 14 000 km/year (order of the Belgian passenger-car average,
        FOD Mobiliteit, not re-checked) × 0.19 kWh/km at the plug × about 75 % charged at home.
    """

    n_points: int
    n_cars: int
    point_power_kw: float = 11.0
    site_limit_kw: float | None = None
    profile: str = "private"
    annual_energy_per_car_kwh: float = DEFAULT_ANNUAL_ENERGY_PER_CAR_KWH

    def __post_init__(self):
        owner = "ChargingSite"
        _check_int(self.n_points, "n_points", owner, low=1)
        _check_int(self.n_cars, "n_cars", owner, low=1)
        check_positive(self.point_power_kw, "point_power_kw", owner=owner, unit="kW", high=350.0)
        if self.site_limit_kw is not None:
            check_positive(self.site_limit_kw, "site_limit_kw", owner=owner, unit="kW")
        check_choice(self.profile, "profile", PROFILES, owner=owner)
        check_positive(self.annual_energy_per_car_kwh, "annual_energy_per_car_kwh", owner=owner, unit="kWh")
        peak = self.session_probability().max()
        if peak > 1.0:
            raise InputError(
                f"{owner}.annual_energy_per_car_kwh = {self.annual_energy_per_car_kwh!r} kWh needs "
                f"{peak:.2f} sessions per car on the busiest weekday; at most one per day is modelled "
                f"(allowed up to {self.annual_energy_per_car_kwh / peak:.0f} kWh)"
            )

    def session_probability(self) -> np.ndarray:
        """Probability that a car starts a session on a given day, Monday..Sunday [-].

        p(d) = E_year / (365 · Ē) · 7 · s(d), with Ē the mean ElaadNL energy per session of
        the profile and s(d) ElaadNL's median share of a week's sessions on day d
        (``weekday_shares.csv``). ElaadNL does not publish sessions per car; this rule
        makes the expected requested energy per car equal ``annual_energy_per_car_kwh``.
        """
        profile = load_profile(self.profile)
        per_day = self.annual_energy_per_car_kwh / (365.0 * profile.mean_energy_kwh)
        return per_day * 7.0 * profile.weekday_share_frac


@dataclass(frozen=True)
class Sessions:
    """Charging sessions on a time index: a table plus contiguous arrays for the kernel.

    Attributes
    ----------
    frame : DataFrame
        One row per session, sorted by arrival: ``car``, ``point``, ``arrival_step``,
        ``departure_step`` (exclusive), ``energy_requested_kwh`` (drawn from ElaadNL),
        ``energy_need_kwh`` (the requested energy capped by the battery and by
        ``max_power_kw`` × connection time), ``max_power_kw``; generated sessions also carry
        ``arrival``/``departure`` timestamps (unrounded), ``arrival_slot`` (0..95, local
        15-min slot), ``connection_h`` (drawn), ``model``, ``battery_kwh`` and ``cut_at_end``
        (the session ran past the end of the index).
    index : DatetimeIndex
        The simulation steps.
    step_hours : float
        Step length [h].
    n_points : int
        Number of charge points.
    rejected : DataFrame
        Drawn sessions that did not take place, with a ``reason``: ``car_connected`` (the car
        was still connected from its previous session), ``no_free_point`` (all points busy:
        the car does not wait, it parks without charging) or ``outside_horizon``.
    site : ChargingSite or None
        The site the sessions were generated for.
    """

    frame: pd.DataFrame
    index: pd.DatetimeIndex
    step_hours: float
    n_points: int
    rejected: pd.DataFrame = field(default_factory=pd.DataFrame)
    site: ChargingSite | None = None

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, index: pd.DatetimeIndex, *, n_points: int,
                   rejected: pd.DataFrame | None = None, site: ChargingSite | None = None) -> Sessions:
        """Validate a session table (see ``frame`` above; ``car`` and ``energy_requested_kwh`` optional).

        Raises
        ------
        InputError
            naming ``Sessions.<column>[row]``: negative or non-finite energy, a departure not
            after its arrival, steps outside the index, non-positive power, a point outside
            ``0..n_points-1``, or two sessions overlapping on one point or one car.
        """
        step_hours = index_step_hours(index, owner="Sessions")
        _check_int(n_points, "n_points", "Sessions", low=1)
        table = _validated_table(frame, len(index), n_points)
        return cls(table, index, step_hours, int(n_points),
                   pd.DataFrame() if rejected is None else rejected, site)

    @property
    def arrays(self) -> dict[str, np.ndarray]:
        """Contiguous kernel inputs: arrival/departure/point (int64), need/max power (float64)."""
        f = self.frame
        return {
            "arrival": np.ascontiguousarray(f["arrival_step"].to_numpy(np.int64)),
            "departure": np.ascontiguousarray(f["departure_step"].to_numpy(np.int64)),
            "point": np.ascontiguousarray(f["point"].to_numpy(np.int64)),
            "need_kwh": np.ascontiguousarray(f["energy_need_kwh"].to_numpy(np.float64)),
            "max_power_kw": np.ascontiguousarray(f["max_power_kw"].to_numpy(np.float64)),
        }

    def __len__(self) -> int:
        return len(self.frame)

    def summary(self) -> pd.Series:
        """Counts and energies: sessions, rejections per reason, requested/need/capped [kWh]."""
        f = self.frame
        reasons = self.rejected["reason"].value_counts() if len(self.rejected) else pd.Series(dtype=float)
        out = {
            "sessions": float(len(f)),
            "energy_requested_kwh": float(f["energy_requested_kwh"].sum()),
            "energy_need_kwh": float(f["energy_need_kwh"].sum()),
            "energy_capped_kwh": float((f["energy_requested_kwh"] - f["energy_need_kwh"]).sum()),
            "sessions_capped": float((f["energy_requested_kwh"] > f["energy_need_kwh"] + 1e-9).sum()),
        }
        for reason in (REJECT_CAR_CONNECTED, REJECT_NO_FREE_POINT, REJECT_OUTSIDE):
            out[f"rejected_{reason}"] = float(reasons.get(reason, 0))
        return pd.Series(out)


def index_step_hours(index, *, owner: str) -> float:
    """Step of a regular hourly or 15-minute DatetimeIndex [h], else InputError."""
    if not isinstance(index, pd.DatetimeIndex) or len(index) < 2:
        raise InputError(f"{owner}.index must be a DatetimeIndex with at least 2 steps, got {type(index).__name__}")
    steps = np.diff(index.as_unit("ns").asi8)
    if not (steps == steps[0]).all():
        raise InputError(f"{owner}.index must be regular (equal steps)")
    hours = pd.Timedelta(int(steps[0]), unit="ns") / pd.Timedelta(hours=1)
    if hours not in STEP_HOURS_ALLOWED:
        raise InputError(f"{owner}.index step = {hours:g} h is not one of {STEP_HOURS_ALLOWED} h")
    return float(hours)


def generate_sessions(index: pd.DatetimeIndex, site: ChargingSite, *, seed: int,
                      timezone: str = "Europe/Brussels") -> Sessions:
    """Draw one year's (or any index's) charging sessions of ``site`` from ElaadNL statistics.

    Per car and local calendar day, a session starts with probability
    :meth:`ChargingSite.session_probability`; its arrival time is drawn from ElaadNL's
    15-min arrival distribution (weekday or weekend, uniform within the slot), its
    connection time and energy by inverse CDF from ElaadNL's exceedance percentiles
    (linear between percentiles), conditioned on the arrival slot through a Gaussian
    copula (:meth:`mgwsim.ev._data.Profile.sample_levels`). Each car gets an EV model drawn
    by Dutch registrations (battery, on-board AC charger) for the whole horizon.

    Times are rounded to the nearest step (a session lasts at least one step); a session that
    runs past the end of the index is cut there. The energy need is the requested energy
    capped by the battery capacity and by max power × connection time (``energy_need_kwh``
    ≤ ``energy_requested_kwh``; see :meth:`Sessions.summary`). Points are assigned in
    arrival order to the lowest-numbered free point; a car that finds no free point does not
    charge (``Sessions.rejected``, reason ``no_free_point``); with ``n_cars <= n_points``
    this never happens. Sessions of cars still connected are rejected too (``car_connected``).

    Parameters
    ----------
    index : DatetimeIndex
        Regular hourly or 15-minute steps; tz-aware (converted to ``timezone`` for the time
        of day) or naive (read as local time).
    site : ChargingSite
    seed : int
        Seed of ``numpy.random.default_rng``; same inputs and seed give identical sessions.
    """
    if not isinstance(site, ChargingSite):
        raise InputError(f"generate_sessions.site must be a ChargingSite, got {type(site).__name__}")
    step_hours = index_step_hours(index, owner="generate_sessions")
    rng = np.random.default_rng(seed)
    draws = _draw_sessions(index, site, rng, timezone)
    frame, rejected = _place_sessions(draws, index, step_hours, site)
    return Sessions.from_frame(frame, index, n_points=site.n_points, rejected=rejected, site=site)


def _local_days(index: pd.DatetimeIndex, timezone: str) -> pd.DatetimeIndex:
    """Naive local midnights of every calendar day the index touches."""
    local = index.tz_convert(timezone).tz_localize(None) if index.tz is not None else index
    return pd.DatetimeIndex(np.unique(local.normalize()))


def _draw_sessions(index, site: ChargingSite, rng: np.random.Generator, timezone: str) -> pd.DataFrame:
    """Candidate sessions: car, arrival/departure timestamps, requested energy, car model."""
    profile, models = load_profile(site.profile), load_models()
    car_model = rng.choice(len(models.names), size=site.n_cars, p=models.weight_frac)
    days = _local_days(index, timezone)
    dow = days.day_of_week.to_numpy()
    starts = rng.random((len(days), site.n_cars)) < site.session_probability()[dow][:, None]
    day_i, car = np.nonzero(starts)
    weekend = dow[day_i] >= 5
    slot = np.where(weekend, _slot(profile.arrival_weekend_frac, rng, day_i.size),
                    _slot(profile.arrival_weekday_frac, rng, day_i.size))
    minutes = SLOT_MINUTES * (slot + rng.random(day_i.size))
    level_connection, level_energy = profile.sample_levels(slot, rng)
    arrival = days[day_i] + pd.to_timedelta(minutes, unit="min")
    if index.tz is not None:
        arrival = arrival.tz_localize(timezone, ambiguous=np.zeros(arrival.size, bool),
                                      nonexistent="shift_forward").tz_convert(index.tz)
    connection_h = profile.connection_quantile_h(level_connection)
    m = car_model[car]
    return pd.DataFrame({
        "car": car.astype(np.int64),
        "arrival": arrival,
        "departure": arrival + pd.to_timedelta(connection_h, unit="h"),
        "arrival_slot": slot.astype(np.int64),
        "connection_h": connection_h,
        "energy_requested_kwh": profile.energy_quantile_kwh(level_energy),
        "model": np.asarray(models.names, dtype=object)[m],
        "battery_kwh": models.battery_kwh[m],
        "max_power_kw": np.minimum(site.point_power_kw, models.max_ac_charge_kw[m]),
    })


def _slot(share: np.ndarray, rng: np.random.Generator, size: int) -> np.ndarray:
    """Arrival slots 0..95 drawn from ``share`` by inverse CDF (a zero ``share`` gives slot 0, unused)."""
    cdf = np.cumsum(share)
    u = rng.random(size)
    if cdf[-1] <= 0:
        return np.zeros(size, np.int64)
    return np.minimum(np.searchsorted(cdf / cdf[-1], u, side="right"), share.size - 1)


def _place_sessions(draws: pd.DataFrame, index, step_hours: float, site: ChargingSite):
    """Round to steps, cap the energy, assign points; returns (sessions, rejected)."""
    n = len(index)
    step_ns = int(step_hours * 3.6e12)
    start = index.as_unit("ns").asi8[0]
    arrival_pos = (pd.DatetimeIndex(draws["arrival"]).as_unit("ns").asi8 - start) / step_ns
    departure_pos = (pd.DatetimeIndex(draws["departure"]).as_unit("ns").asi8 - start) / step_ns
    arrival_step = np.floor(arrival_pos + 0.5).astype(np.int64)
    departure_step = np.maximum(np.floor(departure_pos + 0.5).astype(np.int64), arrival_step + 1)
    draws = draws.assign(arrival_step=arrival_step, departure_step=np.minimum(departure_step, n),
                         cut_at_end=departure_step > n)
    inside = (arrival_step >= 0) & (arrival_step < n)
    outside = draws.loc[~inside].assign(reason=REJECT_OUTSIDE)
    draws = draws.loc[inside].sort_values(["arrival_step", "car"], kind="stable").reset_index(drop=True)
    point, reason = _assign_points(draws["arrival_step"].to_numpy(), draws["departure_step"].to_numpy(),
                                   draws["car"].to_numpy(), site.n_points, site.n_cars)
    draws = draws.assign(point=point)
    deliverable = draws["max_power_kw"] * (draws["departure_step"] - draws["arrival_step"]) * step_hours
    need = np.minimum(draws["energy_requested_kwh"], np.minimum(draws["battery_kwh"], deliverable))
    draws = draws.assign(energy_need_kwh=need)
    placed = draws.loc[point >= 0].reset_index(drop=True)
    rejected = pd.concat([draws.loc[point < 0].assign(reason=reason[point < 0]), outside], ignore_index=True)
    return placed, rejected.drop(columns=["point"], errors="ignore")


def _assign_points(arrival, departure, car, n_points: int, n_cars: int):
    """Lowest free point per session in arrival order; -1 with a reason when none / car busy."""
    point_free_at = np.zeros(n_points, np.int64)
    car_free_at = np.zeros(n_cars, np.int64)
    point = np.full(arrival.size, -1, np.int64)
    reason = np.full(arrival.size, "", dtype=object)
    for i in range(arrival.size):
        if car_free_at[car[i]] > arrival[i]:
            reason[i] = REJECT_CAR_CONNECTED
            continue
        free = np.flatnonzero(point_free_at <= arrival[i])
        if free.size == 0:
            reason[i] = REJECT_NO_FREE_POINT
            continue
        point[i] = free[0]
        point_free_at[free[0]] = departure[i]
        car_free_at[car[i]] = departure[i]
    return point, reason


def _check_int(value, field_name: str, owner: str, *, low: int = 0) -> int:
    """An integer ≥ ``low`` (bools refused)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InputError(f"{owner}.{field_name} must be an integer, got {value!r}")
    check_number(value, field_name, owner=owner, low=low)
    return int(value)


def _int_column(table: pd.DataFrame, column: str, low: int, high: int) -> np.ndarray:
    """An integer-valued column within [low, high], else InputError naming the first bad row."""
    values = check_series(table[column], column, owner="Sessions")
    bad = (values != np.round(values)) | (values < low) | (values > high)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(f"Sessions.{column}[{i}] = {values[i]!r} must be an integer in [{low}, {high}]")
    return values.astype(np.int64)


def _validated_table(frame: pd.DataFrame, n_steps: int, n_points: int) -> pd.DataFrame:
    """Checked, arrival-sorted copy of a session table (see :meth:`Sessions.from_frame`)."""
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"Sessions.frame must be a DataFrame, got {type(frame).__name__}")
    required = ("point", "arrival_step", "departure_step", "energy_need_kwh", "max_power_kw")
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(f"Sessions.frame lacks the columns {missing}")
    table = frame.copy()
    if "car" not in table:
        table["car"] = np.arange(len(table))
    if "energy_requested_kwh" not in table:
        table["energy_requested_kwh"] = table["energy_need_kwh"]
    arrival = _int_column(table, "arrival_step", 0, n_steps - 1)
    departure = _int_column(table, "departure_step", 1, n_steps)
    early = departure <= arrival
    if early.any():
        i = int(np.flatnonzero(early)[0])
        raise InputError(f"Sessions.departure_step[{i}] = {departure[i]} must be after arrival_step = {arrival[i]}")
    need = check_series(table["energy_need_kwh"], "energy_need_kwh", owner="Sessions", low=0.0)
    check_series(table["energy_requested_kwh"], "energy_requested_kwh", owner="Sessions", low=0.0)
    short = table["energy_requested_kwh"].to_numpy(float) < need - 1e-9
    if short.any():
        i = int(np.flatnonzero(short)[0])
        raise InputError(f"Sessions.energy_requested_kwh[{i}] is below energy_need_kwh = {need[i]!r}")
    power = check_series(table["max_power_kw"], "max_power_kw", owner="Sessions")
    if (power <= 0).any():
        i = int(np.flatnonzero(power <= 0)[0])
        raise InputError(f"Sessions.max_power_kw[{i}] = {power[i]!r} kW must be > 0")
    table["point"] = _int_column(table, "point", 0, n_points - 1)
    table["car"] = _int_column(table, "car", 0, np.iinfo(np.int64).max)
    table["arrival_step"], table["departure_step"] = arrival, departure
    table = table.sort_values(["arrival_step", "point"], kind="stable").reset_index(drop=True)
    _check_no_overlap(table, "point")
    _check_no_overlap(table, "car")
    return table


def _check_no_overlap(table: pd.DataFrame, key: str) -> None:
    """No two sessions of one point (or car) overlap in time: [arrival, departure) intervals."""
    ordered = table.sort_values([key, "arrival_step"], kind="stable")
    same = ordered[key].to_numpy()[1:] == ordered[key].to_numpy()[:-1]
    clash = same & (ordered["arrival_step"].to_numpy()[1:] < ordered["departure_step"].to_numpy()[:-1])
    if clash.any():
        i = int(np.flatnonzero(clash)[0])
        row = int(ordered.index[i + 1])
        raise InputError(f"Sessions.{key}: session {row} overlaps the previous session on {key} "
                         f"{ordered[key].iloc[i + 1]}")
