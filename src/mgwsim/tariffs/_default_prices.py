"""The embedded day-ahead price year, laid on any simulation calendar."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from mgwsim._data import data_path
from mgwsim.errors import InputError

LOCAL_TZ = "Europe/Brussels"


@functools.cache
def _embedded() -> pd.Series:
    frame = pd.read_csv(data_path("prices", "day_ahead_2018_nl_smard.csv.gz"), index_col=0, parse_dates=True)
    return frame["price_eur_per_kwh"]


def default_day_ahead(index: pd.DatetimeIndex) -> pd.Series:
    """Embedded day-ahead prices [EUR/kWh] on ``index`` (see ``data/prices/README.md``).

    The 2018 series (Dutch bidding zone standing in for Belgium) is laid on the calendar of
    ``index`` by hours since local (Brussels) New Year, shifted by whole days so that
    weekdays match (prices differ between weekdays and weekends) and wrapped around the
    year's end. ``index`` must be hourly.
    """
    if len(index) < 2 or (index[1] - index[0]) != pd.Timedelta(hours=1):
        raise InputError("default_day_ahead: index must be hourly")
    source = _embedded()
    start = index[0] if index.tz is not None else index[0].tz_localize("UTC")
    local_new_year = pd.Timestamp(year=start.tz_convert(LOCAL_TZ).year, month=1, day=1, tz=LOCAL_TZ)
    offset_h = int((start - local_new_year) / pd.Timedelta(hours=1))
    source_weekday = source.index[0].tz_convert(LOCAL_TZ).day_of_week  # the source starts at local New Year
    shift_days = (local_new_year.day_of_week - source_weekday) % 7
    hours = (np.arange(len(index)) + offset_h + 24 * shift_days) % len(source)
    return pd.Series(source.to_numpy()[hours], index=index, name="price_eur_per_kwh")
