"""Benchmark: PV preparation per orientation and its reuse across buildings.

Run ``python benchmarks/bench_pv.py``. Targets: one orientation-year <= 60 ms once the
site's solar position exists; a second building with the same orientation costs ~0
(a cached profile times its kWp).
"""

from __future__ import annotations

import time

from mgwsim.pv import PvArray, flat_roof_east_west, flat_roof_south, pv_ac_kw, pv_ac_kw_array, pv_ac_per_kwp
from mgwsim.solar import solar_position
from mgwsim.weather import Weather, default_weather


def _ms(func, repeat: int = 1) -> float:
    """Best wall time of ``repeat`` calls [ms]."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best * 1000.0


def _fresh(weather: Weather) -> Weather:
    """Same data, empty cache."""
    return Weather(weather.data, weather.site, weather.source)


def main() -> None:
    base = default_weather()
    cold = _fresh(base)
    print(f"solar position, once per site           {_ms(lambda: solar_position(cold)):7.1f} ms")
    cases = {
        "pitched south 35 (Perez)": PvArray(35, 180, 1.0),
        "facade east 90 (Perez)": PvArray(90, 90, 1.0),
        "flat south rows 20 (shading)": flat_roof_south(200.0)[0],
        "flat east 10 (shading)": flat_roof_east_west(200.0)[0],
    }
    warm = _fresh(base)
    solar_position(warm)
    for label, array in cases.items():
        first = _ms(lambda a=array: pv_ac_per_kwp(_with_position(warm), a), repeat=5)
        print(f"{label:<40}{first:7.1f} ms per orientation (solar position cached)")
    array = cases["pitched south 35 (Perez)"]
    pv_ac_per_kwp(warm, array)
    again = _ms(lambda: pv_ac_per_kwp(warm, array), repeat=20)
    print(f"same orientation again (cached)         {again:7.3f} ms")
    buildings = [array.scaled(kwp) for kwp in range(1, 1001)]
    total = _ms(lambda: [pv_ac_kw(warm, b) for b in buildings])
    print(f"pv_ac_kw for 1000 buildings, 1 orient.  {total:7.1f} ms ({total / 1000:.3f} ms per building)")
    total = _ms(lambda: [pv_ac_kw_array(warm, b) for b in buildings])
    print(f"pv_ac_kw_array, same 1000 buildings     {total:7.1f} ms ({total / 1000:.3f} ms per building)")


def _with_position(weather: Weather) -> Weather:
    """A weather with only the solar position cached (time one orientation from scratch)."""
    fresh = _fresh(weather)
    fresh._cache["solar_position"] = weather._cache["solar_position"]
    return fresh


if __name__ == "__main__":
    main()
