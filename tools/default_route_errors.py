"""Default route (refrigerant only -> CoolProp cycle map + defrost) against EN 14825 declarations.

Prints the error tables of ``docs/validation.md`` ("Default route against certified units"),
before (eta_el 0.88, defrost severity 0.5) and after (the current defaults), and with
``--fit`` the calibration sweep that chose the defaults. Run::

    PYTHONPATH=src python tools/default_route_errors.py [--fit]

Data (all offline):

* hplib 1.9 (``hplib_database.csv``): parameters that hplib fitted to the Heat Pump Keymark
  EN 14825 declarations (average climate, points A/B/C/D of the 35 and 55 °C applications:
  Tj -7/2/7/12 °C at flow 34/30/27/24 and 52/42/36/30 °C). Regulated outdoor air/water
  models (group 1) with a refrigerant the cycle model has (R410A, R32, R290, R407C; 357
  models). hplib fits ``COP = p1 T_in + p2 T_out + p3 + p4 T_amb`` by least squares to the
  eight declared COPs (``hplib_database.py``, ``calculate_heating_parameters``); for air
  ``T_amb = T_in``, so its parameters keep exactly the least-squares projection ``H y`` of
  the eight declared COPs ``y`` on (1, Tj, flow), not ``y``. The comparison is therefore
  made like with like: the model's eight COPs are projected with the same ``H`` and
  compared with hplib's values (``projected``). Besides, ``COP_ref`` of hplib is the declared
  COP at A-7/W52 itself (``P_th/P_el`` of that point), compared point by point.
* the five real declarations at hand, compared point by point: Airwell Wellea A 18/22/26/30
  kW (R32, ``mgwsim/data/heatpump/keymark_points.csv``) and Viessmann Vitocal 200 (hplib's
  example declaration, ``tests/test_certificate.py``; refrigerant taken as R410A).

The model COP at a point is the ``cycle_map`` COP (default approaches, Brunin's eta_is) times
``eta_el`` times the defrost factor of :func:`mgwsim.heatpump.defrost.defrost_factors` at the
EN 14511-2 outdoor conditions (wet bulb 1 K below the dry bulb: RH 70/84/87/89 % at
-7/2/7/12 °C). What is compared: the declared COPd(Tj) is the unit's steady-state COP at the
declared capacity Pdh(Tj) (at D the unit's lowest capacity when the load is lower; EN 14825
applies Cd for cycling in the SCOP, as mgwsim's kernel does below the minimum modulation),
so the map COP (no cycling factor) is compared with COPd. The map is one COP per
(source, sink) used at every load; COPd at B-D is at part load.
The hplib models are split by manufacturer (CRC32 of the name, even = fit, odd = test).
hplib 1.9 holds few collective (>= 20 kW) units: ``P_th`` at A-7/W52 >= 12 kW is reported
as the "larger units" subset (34 models). The hplib repository's full Keymark table (the 99
collective units of issue 17) is not available offline.
"""

from __future__ import annotations

import argparse
import os
import zlib

import numpy as np
import pandas as pd

from mgwsim.heatpump.certificate import keymark_points, keymark_products
from mgwsim.heatpump.cycle import DEFAULT_ETA_EL, cycle_map
from mgwsim.heatpump.defrost import DEFAULT_SEVERITY, _p_sat_hpa, defrost_factors, humidity_ratio

NAMES = ["A35", "B35", "C35", "D35", "A55", "B55", "C55", "D55"]
TJ = np.array([-7.0, 2.0, 7.0, 12.0, -7.0, 2.0, 7.0, 12.0])
FLOW = np.array([34.0, 30.0, 27.0, 24.0, 52.0, 42.0, 36.0, 30.0])
_X = np.column_stack([np.ones(8), TJ, FLOW])
H = _X @ np.linalg.pinv(_X)  # hplib's least-squares projection on (1, Tj, flow)
HPLIB_REFRIGERANTS = {"R410a": "R410A", "R32": "R32", "R290": "R290", "R407c": "R407C"}
# Viessmann Vitocal 200 declaration (hplib repository, example/ViessmannVitocal200/Vitocal200_keymark.csv, MIT)
VITOCAL_COP = np.array([2.86, 4.33, 5.77, 7.14, 2.03, 3.07, 4.19, 5.5])
BEFORE = (0.88, 0.5)


def rh_from_wet_bulb(t_degc: float, t_wb_degc: float) -> float:
    """Relative humidity [%] from dry and wet bulb (ASHRAE Fundamentals 2017 ch. 1, eqs. 33 and 35)."""
    ws = float(humidity_ratio(t_wb_degc, 100.0, over_ice=t_wb_degc < 0.0))
    if t_wb_degc >= 0.0:
        w = ((2501 - 2.326 * t_wb_degc) * ws - 1.006 * (t_degc - t_wb_degc)) / (2501 + 1.86 * t_degc - 4.186 * t_wb_degc)
    else:
        w = ((2830 - 0.24 * t_wb_degc) * ws - 1.006 * (t_degc - t_wb_degc)) / (2830 + 1.86 * t_degc - 2.1 * t_wb_degc)
    p_v = w * 1013.25 / (0.622 + w)
    return float(100.0 * p_v / _p_sat_hpa(np.array(t_degc), np.array(False)))


RH = np.array([rh_from_wet_bulb(t, t - 1.0) for t in TJ])  # EN 14511-2 outdoor air: wet bulb 1 K lower
DEFROST_PENALTY = 1.0 - defrost_factors(TJ, RH, severity=1.0)[1]  # the factor is 1 - severity * penalty


def cycle_cop(refrigerant: str) -> np.ndarray:
    """Refrigerant-side cycle COP (eta_el = 1) of the default air map at the eight points."""
    m = cycle_map(refrigerant, np.array([-10.0, -7.0, 2.0, 7.0, 12.0]), np.unique(FLOW), rated_capacity_kw=10.0,
                  eta_el=1.0)
    return m.cop_at(TJ, FLOW)


def hplib_models() -> pd.DataFrame:
    import hplib

    db = pd.read_csv(os.path.join(os.path.dirname(hplib.__file__), "hplib_database.csv"))
    air = db[(db.Group == 1) & (db.Model != "Generic") & db.Refrigerant.isin(HPLIB_REFRIGERANTS)].copy()
    air["refrigerant"] = air.Refrigerant.map(HPLIB_REFRIGERANTS)
    air["fit_half"] = [zlib.crc32(m.encode()) % 2 == 0 for m in air.Manufacturer]
    return air.reset_index(drop=True)


def hplib_cop(models: pd.DataFrame) -> np.ndarray:
    """hplib's COP at the eight points (= H y of the declared COPs y)."""
    return np.array([r["p3_COP [-]"] + (r["p1_COP [-]"] + r["p4_COP [-]"]) * TJ + r["p2_COP [-]"] * FLOW
                     for _, r in models.iterrows()])


def airwell_cop() -> np.ndarray:
    rows = []
    for product in keymark_products():
        k = keymark_points(product, None, "part")
        rows.append([k[(k.application_degc == a) & (k.point == p)].cop.iloc[0] for a in (35, 55) for p in "ABCD"])
    return np.array(rows)


class Data:
    def __init__(self):
        self.models = hplib_models()
        self.hplib = hplib_cop(self.models)
        self.cop_ref = self.models.COP_ref.to_numpy()
        self.cycle = {r: cycle_cop(r) for r in sorted(set(self.models.refrigerant) | {"R32", "R410A"})}
        self.base = np.array([self.cycle[r] for r in self.models.refrigerant])
        self.airwell = airwell_cop()

    def model(self, base, eta_el, severity):
        return base * eta_el * (1.0 - severity * DEFROST_PENALTY)


def _row(label, err):
    err = np.atleast_2d(err)
    per = "".join(f" {100 * np.median(np.abs(err[:, j])):.1f} / {100 * np.median(err[:, j]):+.1f} |"
                  for j in range(err.shape[1]))
    return (f"| {label} | {err.shape[0]} |{per} {100 * np.median(np.abs(err)):.1f} | "
            f"{100 * np.median(err):+.1f} | {100 * np.mean(np.abs(err)):.1f} |")


def tables(d: Data, eta_el: float, severity: float, title: str) -> None:
    print(f"\n{title}: eta_el {eta_el:g}, defrost severity {severity:g}\n")
    print("| set | n | " + " | ".join(NAMES) + " | median abs % | median (bias) % | mean abs % |")
    print("|---|---|" + "---|" * 11)
    m = d.model(d.base, eta_el, severity)
    projected = (m @ H.T) / d.hplib - 1.0
    half = d.models.fit_half.to_numpy()
    large = d.models["P_th_h_ref [W]"].to_numpy() >= 12000.0
    print(_row("hplib, fit half (projected)", projected[half]))
    print(_row("hplib, test half (projected)", projected[~half]))
    print(_row("hplib, >= 12 kW (projected)", projected[large]))
    print(_row("Airwell Wellea A 18-30 kW (R32, declared)", d.model(d.cycle["R32"], eta_el, severity) / d.airwell - 1.0))
    print(_row("Vitocal 200 (R410A, declared)", d.model(d.cycle["R410A"], eta_el, severity) / VITOCAL_COP - 1.0))
    exact = m[:, 4] / d.cop_ref - 1.0
    print(f"\nA-7/W52 against hplib's COP_ref (the declared value), all {exact.size}: median abs "
          f"{100 * np.median(np.abs(exact)):.1f} %, bias {100 * np.median(exact):+.1f} %; test half "
          f"{100 * np.median(np.abs(exact[~half])):.1f} / {100 * np.median(exact[~half]):+.1f} %; >= 12 kW "
          f"{100 * np.median(np.abs(exact[large])):.1f} / {100 * np.median(exact[large]):+.1f} %")


def reference_checks(d: Data) -> None:
    print("\nHow far hplib's linear form reproduces declarations")
    e = (d.airwell @ H.T) / d.airwell - 1.0
    print("| set | n | " + " | ".join(NAMES) + " | median abs % | median (bias) % | mean abs % |")
    print("|---|---|" + "---|" * 11)
    print(_row("hplib's form fitted to Airwell 18-30", e))
    print(_row("hplib's form fitted to Vitocal 200", (H @ VITOCAL_COP) / VITOCAL_COP - 1.0))
    fit52 = d.hplib[:, 4] / d.cop_ref - 1.0
    print(f"hplib's fitted COP at A-7/W52 against its own declared COP_ref: median {100 * np.median(fit52):+.1f} % "
          f"(median fitted {np.median(d.hplib[:, 4]):.2f}, declared {np.median(d.cop_ref):.2f}); "
          f"hplib's own MAPE_COP: median {np.median(d.models.MAPE_COP):.1f} %")


def sweep(d: Data) -> None:
    """For each severity, eta_el fitted on the fit half; errors on the test half and the real declarations."""
    from scipy.optimize import minimize_scalar

    half = d.models.fit_half.to_numpy()
    print("\n| severity | eta_el (fit half) | hplib test half median abs / bias % | A-7/W52 test half % "
          "| real declarations median abs % (40 points) |")
    print("|---|---|---|---|---|")
    for severity in np.round(np.arange(0.0, 1.01, 0.05), 2):
        def loss(eta, mask=half):
            m = d.model(d.base[mask], eta, severity)
            return np.mean(np.abs(np.concatenate([((m @ H.T) / d.hplib[mask] - 1.0).ravel(),
                                                  m[:, 4] / d.cop_ref[mask] - 1.0])))
        eta = minimize_scalar(loss, bounds=(0.6, 1.0), method="bounded").x
        m = d.model(d.base[~half], eta, severity)
        test = (m @ H.T) / d.hplib[~half] - 1.0
        a52 = m[:, 4] / d.cop_ref[~half] - 1.0
        real = np.concatenate([np.abs(d.model(d.cycle["R32"], eta, severity) / d.airwell - 1.0).ravel(),
                               np.abs(d.model(d.cycle["R410A"], eta, severity) / VITOCAL_COP - 1.0)])
        print(f"| {severity:.2f} | {eta:.3f} | {100 * np.median(np.abs(test)):.1f} / {100 * np.median(test):+.1f} | "
              f"{100 * np.median(np.abs(a52)):.1f} / {100 * np.median(a52):+.1f} | {100 * np.median(real):.1f} |")


def market_eta_slopes(d: Data) -> None:
    """The prior of ``fit_certificate``: median relative slopes of the approach-inclusive Carnot efficiency."""
    from mgwsim.heatpump.carnot import carnot_cop_with_approach

    eta = d.hplib / carnot_cop_with_approach(TJ, FLOW, 8.0, 4.0)
    design = np.column_stack([np.ones(8), (TJ - 7.0) / 10.0, (FLOW - 35.0) / 10.0])
    coef = np.linalg.lstsq(design, eta.T, rcond=None)[0].T
    print(f"\nMarket prior of fit_certificate (MARKET_ETA_SLOPES): b/a = {np.median(coef[:, 1] / coef[:, 0]):.4f}, "
          f"c/a = {np.median(coef[:, 2] / coef[:, 0]):.4f} (median over {len(coef)} hplib models)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="print the calibration sweep too")
    args = parser.parse_args()
    d = Data()
    print(f"EN 14511-2 outdoor RH at Tj {TJ[:4].tolist()} °C: {np.round(RH[:4], 1).tolist()} %")
    tables(d, *BEFORE, "Before")
    tables(d, DEFAULT_ETA_EL["air"], DEFAULT_SEVERITY, "After (current defaults)")
    tables(d, DEFAULT_ETA_EL["air"], 0.0, "After, without defrost")
    reference_checks(d)
    market_eta_slopes(d)
    if args.fit:
        sweep(d)


if __name__ == "__main__":
    main()
