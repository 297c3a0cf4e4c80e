"""Cooling by a reversible air-to-water heat pump: its own map, from the hplib database.

hplib (Tjaden et al., hplib 1.9, HTW Berlin) fits Heat Pump Keymark cooling data of
reversible air/water units (EN 14511 / EN 14825 cooling points, outdoor 20–35 °C, chilled
water 7 and 18 °C) to the model of Schwamberger (VDI Fortschritt-Berichte 1991), as
``hplib.simulate(..., mode=2)`` evaluates it:

    EER = p1·T_in + p2·T_out + p3 + p4·T_amb                      [-]
    P_el = P_el,c,ref·(p1'·T_in' + p2'·T_out + p3' + p4'·T_in')    [W],  T_in' = max(T_in, 25 °C)
    P_c = EER·P_el                                                 [W]

with T_in = T_amb the outdoor air [°C] and T_out the chilled-water supply [°C]. Like hplib's
heating fits (see :mod:`mgwsim.heatpump.datasheet`), the capacities come from EN 14825's
part-load points: below 35 °C outdoor the capacity is the tested part-load capacity, a
conservative stand-in for the full-load one. Where the fit gives EER ≤ 1 the unit is off
(hplib's own rule), and its cooling shows as unmet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mgwsim.errors import InputError, check_positive

COOLING_RATING_POINT_DEGC = (35.0, 7.0)
"""(outdoor air, chilled-water supply) [°C] of the EN 14511-2:2022 standard rating for air/water chillers."""
P_EL_CLIP_DEGC = 25.0
"""hplib evaluates the cooling electricity at no less than this outdoor temperature [°C] (its fit range)."""


@dataclass(frozen=True)
class CoolingMap:
    """Cooling capacity and EER of one reversible air/water unit as functions of outdoor and chilled water.

    ``eer_coefficients`` (a_out, a_water, a_0): EER = a_out·T_out,air + a_water·T_water + a_0;
    ``p_el_kw_coefficients`` (b_out, b_water, b_0) [kW/K, kW/K, kW]: P_el = b_out·max(T_out,air, 25)
    + b_water·T_water + b_0 (hplib's collinear p1, p4 summed, since T_amb = T_in for air).
    """

    model: str
    eer_coefficients: tuple[float, float, float]
    p_el_kw_coefficients: tuple[float, float, float]

    def eer(self, outdoor_degc, chilled_water_degc) -> np.ndarray:
        """EER [-] at the outdoor air and chilled-water supply temperatures [°C]; 0 where the unit is off."""
        a_out, a_water, a_0 = self.eer_coefficients
        eer = a_out * np.asarray(outdoor_degc, float) + a_water * np.asarray(chilled_water_degc, float) + a_0
        return np.where((eer > 1.0) & (self._p_el_kw(outdoor_degc, chilled_water_degc) > 0.0), eer, 0.0)

    def capacity_kw(self, outdoor_degc, chilled_water_degc) -> np.ndarray:
        """Cooling capacity P_c = EER·P_el [kW]; 0 where the unit is off."""
        return self.eer(outdoor_degc, chilled_water_degc) * self._p_el_kw(outdoor_degc, chilled_water_degc)

    def _p_el_kw(self, outdoor_degc, chilled_water_degc) -> np.ndarray:
        b_out, b_water, b_0 = self.p_el_kw_coefficients
        return (b_out * np.maximum(np.asarray(outdoor_degc, float), P_EL_CLIP_DEGC)
                + b_water * np.asarray(chilled_water_degc, float) + b_0)


def hplib_cooling_map(model: str, *, rated_capacity_kw: float | None = None) -> CoolingMap:
    """The cooling map of a reversible air/water ``model`` of the hplib database (see module docstring).

    ``rated_capacity_kw`` scales the electricity (and so the capacity) so that the unit gives
    it at the EN 14511 rating point A35/W7 [kW]; default: the database's own size.

    Raises
    ------
    InputError
        If the model is not in hplib or has no cooling parameters (hplib fits cooling for
        reversible air/water units only).
    """
    import hplib.hplib as hpl  # lazy: reads a CSV of ~500 rows

    db = hpl.load_database()
    rows = db[(db["Model"] == model) & db["p1_EER [-]"].notna() & db["P_el_c_ref [W]"].notna()]
    if rows.empty:
        known = ", ".join(db.loc[db["p1_EER [-]"].notna() & db["P_el_c_ref [W]"].notna(), "Model"].head(5))
        raise InputError(f"hplib_cooling_map.model = {model!r} has no cooling parameters in hplib; reversible "
                         f"air/water models have them, e.g. {known}")
    row = rows.iloc[0]
    p = {name: float(row[name]) for name in row.index if name.startswith("p") and "[" in name}
    ref_kw = float(row["P_el_c_ref [W]"]) / 1000.0
    cmap = CoolingMap(
        model=f"hplib: {model}",
        eer_coefficients=(p["p1_EER [-]"] + p["p4_EER [-]"], p["p2_EER [-]"], p["p3_EER [-]"]),
        p_el_kw_coefficients=(ref_kw * (p["p1_P_el_c [1/°C]"] + p["p4_P_el_c [1/°C]"]),
                              ref_kw * p["p2_P_el_c [1/°C]"], ref_kw * p["p3_P_el_c [-]"]))
    if rated_capacity_kw is None:
        return cmap
    check_positive(rated_capacity_kw, "rated_capacity_kw", owner="hplib_cooling_map", unit="kW")
    rated = float(cmap.capacity_kw(*COOLING_RATING_POINT_DEGC))
    if rated <= 0.0:
        raise InputError(f"hplib_cooling_map: {model!r} gives no cooling at A35/W7; it cannot be scaled")
    scale = rated_capacity_kw / rated
    return CoolingMap(cmap.model, cmap.eer_coefficients, tuple(scale * b for b in cmap.p_el_kw_coefficients))
