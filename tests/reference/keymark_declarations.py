"""Heat Pump Keymark EN 14825 declarations of collective-size units of other manufacturers (test reference data).

Source: the Keymark database exports stored in hplib's repository (FZJ-IEK3-VSA/hplib, MIT), ``input/csv/``:
``_AMS_”Full_Serwis”_Marcin_KaczmarekEVI_DC_Inverter_Heat_Pump-R32-18_23.csv`` (declaration 15.08.2024),
``_Andercore_GmbHS-Serie_320.csv`` (08.11.2022), ``_Advantix_S.p.A.i-32V5H_MIDI_0128_-0132.csv`` (07.06.2021),
``_Advantix_S.p.A.i-290_0240.csv``, ``_Advantix_S.p.A.i-290_0250.csv``, ``_Advantix_S.p.A.i-290_0125-0127.csv``
(31.08.2023), ``_Advantix_S.p.A.i-HPV5H_0270.csv`` (25.02.2022) and ``_Acond_a.s.Acond_Grandis-L.csv`` (31.01.2024).
Decoded as ``mgwsim/data/heatpump/README.md`` describes (temperature 4/5 = 35/55 °C application, average
climate): ``EN14825_002`` Prated, ``EN14825_024`` PTO [W], ``008..015`` Pdh/COPd at A/B/C/D (-7/2/7/12 °C),
``018/019`` at TOL; flow temperatures of the EN 14825 variable outlet (35/34/30/27/24 resp. 55/52/42/36/30 °C at
-10/-7/2/7/12 °C, linear between).

Selection, fixed before any fit: the declarations among the first 100 files of that folder (alphabetical,
manufacturers A to Ar) whose names indicate 16 kW or more, every model in them. Not used: AERMEC HMI160
(55 °C application only), the -PS/-PSEC variants of the i-290 0240/0250 (the same unit, values within 2 %),
TOL at -20 °C of the Advantix MIDI 35 °C application (below Tdesignh, where the variable-outlet table ends).
As declared: the i-HPV5H 0270 TOL of the 55 °C application is -9 °C (flow 54 °C); the Grandis-L21 TOL rows
repeat its A rows; Tbiv rows equal to A or TOL are not repeated.

``COLLECTIVE_OTHER_MAKERS``: name -> (refrigerant, Prated of the 35 °C application [kW], PTO [kW], rows
``(application, point, Tj, flow, Pdh [kW], COPd)``).
"""

from __future__ import annotations

_FLOW = {35: {-10: 35.0, -7: 34.0, 2: 30.0, 7: 27.0, 12: 24.0},
         55: {-10: 55.0, -9: 54.0, -7: 52.0, 2: 42.0, 7: 36.0, 12: 30.0}}
_TJ = {"A": -7, "B": 2, "C": 7, "D": 12, "TOL": -10}


def _rows(declared):
    """``{application: {point: (Pdh, COPd) or (Tj, Pdh, COPd)}}`` -> rows with the EN 14825 flow temperature."""
    rows = []
    for application, points in declared.items():
        for point, values in points.items():
            tj, pdh, cop = values if len(values) == 3 else (_TJ[point], *values)
            rows.append((application, point, tj, _FLOW[application][tj], pdh, cop))
    return rows


COLLECTIVE_OTHER_MAKERS = {
    "AMS EVI DC Inverter R32-18": ("R32", 16.17, 0.015, _rows({
        35: dict(A=(14.31, 3.53), B=(8.72, 4.36), C=(7.69, 5.44), D=(10.06, 6.68), TOL=(16.18, 2.97)),
        55: dict(A=(15.05, 2.34), B=(9.20, 3.40), C=(7.50, 4.29), D=(8.71, 5.69), TOL=(13.79, 2.16))})),
    "AMS EVI DC Inverter R32-23": ("R32", 17.67, 0.015, _rows({
        35: dict(A=(15.63, 3.55), B=(9.53, 4.35), C=(9.08, 5.44), D=(9.31, 6.98), TOL=(16.17, 2.87)),
        55: dict(A=(16.14, 2.20), B=(9.83, 3.42), C=(7.82, 4.22), D=(9.26, 5.65), TOL=(14.19, 2.10))})),
    "Andercore S-Serie 320": ("R290", 12.55, 0.011, _rows({
        35: dict(A=(11.11, 3.23), B=(6.89, 4.83), C=(7.30, 6.04), D=(7.78, 7.46), TOL=(12.61, 2.89)),
        55: dict(A=(10.92, 2.34), B=(6.80, 3.58), C=(7.36, 4.74), D=(7.39, 6.12), TOL=(12.33, 2.06))})),
    "Advantix i-32V5H MIDI 0128": ("R32", 25.0, 0.022, _rows({
        35: dict(A=(21.70, 2.68), B=(13.20, 4.26), C=(11.90, 5.39), D=(13.70, 7.06)),
        55: dict(A=(20.80, 1.93), B=(12.80, 3.20), C=(11.50, 4.10), D=(13.50, 5.77), TOL=(18.80, 1.73))})),
    "Advantix i-32V5H MIDI 0132": ("R32", 24.0, 0.022, _rows({
        35: dict(A=(21.30, 2.57), B=(13.00, 3.94), C=(11.60, 5.03), D=(13.50, 6.96)),
        55: dict(A=(21.70, 1.90), B=(13.30, 3.09), C=(11.90, 3.96), D=(14.00, 5.51), TOL=(19.50, 1.70))})),
    "Advantix i-290 0125": ("R290", 22.0, 0.022, _rows({
        35: dict(A=(19.60, 2.71), B=(11.90, 4.22), C=(10.50, 6.44), D=(12.30, 8.03), TOL=(17.70, 2.43)),
        55: dict(A=(19.90, 2.01), B=(12.10, 3.64), C=(10.20, 4.96), D=(11.90, 6.49), TOL=(17.70, 1.78))})),
    "Advantix i-290 0127": ("R290", 24.0, 0.022, _rows({
        35: dict(A=(21.00, 2.77), B=(12.80, 4.17), C=(10.40, 6.31), D=(12.30, 7.95), TOL=(18.80, 2.46)),
        55: dict(A=(20.70, 1.97), B=(12.60, 3.50), C=(10.10, 4.92), D=(11.90, 6.53), TOL=(18.50, 1.70))})),
    "Advantix i-290 0240": ("R290", 39.0, 0.022, _rows({
        35: dict(A=(34.70, 2.53), B=(21.20, 3.72), C=(18.30, 6.12), D=(21.00, 7.54), TOL=(30.00, 2.17)),
        55: dict(A=(33.60, 1.87), B=(20.50, 3.23), C=(17.40, 5.24), D=(20.60, 6.87), TOL=(28.30, 1.58))})),
    "Advantix i-290 0250": ("R290", 43.0, 0.022, _rows({
        35: dict(A=(38.20, 2.53), B=(23.50, 3.88), C=(20.30, 6.30), D=(23.20, 7.31), TOL=(34.70, 2.18)),
        55: dict(A=(39.10, 1.94), B=(23.80, 3.15), C=(19.40, 4.84), D=(22.40, 6.20), TOL=(34.70, 1.66))})),
    "Advantix i-HPV5H 0270": ("R32", 49.0, 0.022, _rows({
        35: dict(A=(43.60, 2.09), B=(28.80, 3.89), C=(33.10, 5.67), D=(36.90, 7.01), TOL=(41.70, 1.79)),
        55: dict(A=(45.50, 1.55), B=(28.50, 3.02), C=(35.30, 4.38), D=(39.70, 6.82), TOL=(-9, 42.90, 1.41))})),
    "Acond Grandis-L16": ("R290", 15.50, 0.013, _rows({
        35: dict(A=(13.71, 3.34), B=(8.35, 5.31), C=(6.03, 7.35), D=(7.12, 9.57), TOL=(15.50, 2.74)),
        55: dict(A=(14.49, 2.52), B=(8.62, 3.81), C=(5.54, 5.33), D=(7.04, 7.96), TOL=(16.00, 2.10))})),
    "Acond Grandis-L18": ("R290", 18.80, 0.013, _rows({
        35: dict(A=(16.70, 3.22), B=(10.12, 4.59), C=(6.51, 7.38), D=(7.13, 9.58), TOL=(18.80, 2.71)),
        55: dict(A=(15.92, 2.49), B=(9.69, 3.79), C=(6.23, 5.35), D=(7.05, 7.97), TOL=(18.00, 2.08))})),
    "Acond Grandis-L21": ("R290", 21.00, 0.013, _rows({
        35: dict(A=(18.50, 2.74), B=(10.50, 4.60), C=(7.38, 7.59), D=(7.14, 9.60), TOL=(18.50, 2.74)),
        55: dict(A=(19.42, 2.24), B=(11.85, 3.22), C=(7.62, 5.45), D=(7.05, 7.99), TOL=(19.42, 2.24))})),
}
