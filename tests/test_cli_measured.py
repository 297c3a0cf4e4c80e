"""Measured data from the TOML and the command line: ``[measured]``, ``mgwsim calibrate`` and ``mgwsim monitor``.

The bills are the gas of the small study's building with known parameters (setpoint 21 °C,
U-scale 1.1, 48 l of hot water, η 0.87) on the embedded 2019 weather, summed per month; the
monitoring data are the study variant's own simulation with a known change of electricity.
"""

from __future__ import annotations

import shutil
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from mgwsim import cli, default_weather
from mgwsim._data import data_path
from mgwsim.config import load_measured, read_config
from mgwsim.errors import InputError
from mgwsim.measured import fit_change_point, simulated_daily_gas_kwh, simulated_monitoring
from mgwsim.measured.calibration import building_with
from mgwsim.study.evaluate import evaluate_variant
from mgwsim.weather import read_epw

from .test_cli import SMALL_STUDY
from .test_cli_errors import _one_line

TRUTH = {"setpoint_degc": 21.0, "u_scale": 1.1, "litres_per_person_day": 48.0, "boiler_efficiency": 0.87}
TWO_VARIANTS = SMALL_STUDY + """
[[variants]]
name = "larger heat pumps"
[variants.plant.heat_pumps]
refrigerant = "R290"
rated_kw = 50.0
n_units = 2
"""


def _bills_text(year_shift: int = 0) -> str:
    """Twelve monthly bills of the small study's building with the TRUTH parameters (2019 + year_shift)."""
    building = load_measured_building()
    truth = building_with(building, TRUTH["setpoint_degc"], building.infiltration_per_h, TRUTH["u_scale"])
    daily = simulated_daily_gas_kwh(truth, default_weather(), litres_per_person_day=TRUTH["litres_per_person_day"],
                                    boiler_efficiency=TRUTH["boiler_efficiency"])
    monthly = daily.groupby(daily.index.to_period("M")).sum()
    rows = [f"{p.start_time.date().replace(year=p.year + year_shift)},"
            f"{p.end_time.date().replace(year=p.year + year_shift)},{v:.1f}" for p, v in monthly.items()]
    return "start,end,energy_kwh\n" + "\n".join(rows) + "\n"


def load_measured_building():
    from mgwsim.config._building import read_building
    from mgwsim.config._reader import Table

    root = Table(tomllib.loads(SMALL_STUDY), "", ("building", "reference", "variants"))
    return read_building(root)[0]


@pytest.fixture(scope="module")
def bills_text():
    return _bills_text()


@pytest.fixture
def files(tmp_path, bills_text):
    (tmp_path / "bills.csv").write_text(bills_text, encoding="utf-8")
    (tmp_path / "small.toml").write_text(SMALL_STUDY, encoding="utf-8")
    return tmp_path


# --------------------------------------------------------------------------- [measured]
def _config(tmp_path, measured: str):
    data = tomllib.loads(SMALL_STUDY + "\n[measured]\n" + measured)
    return read_config(data, tmp_path)


def test_a_study_with_measured_bills_runs_on_the_calibrated_building(files):
    config = _config(files, 'bills = "bills.csv"\n')
    cal, inputs = config.calibration, config.study.inputs
    interval = cal.intervals(0.95)
    for name in ("setpoint_degc", "litres_per_person_day"):
        assert interval.loc[name, "low"] <= TRUTH[name] <= interval.loc[name, "high"]
    assert inputs.building is cal.building and inputs.building.setpoint_degc == pytest.approx(
        cal.parameters.loc["setpoint_degc", "estimate"])
    assert inputs.occupants_per_apartment == pytest.approx(cal.study_occupants_per_apartment)
    assert f"CV(RMSE) {cal.cv_rmse_pct:.1f} %" in inputs.building_source
    assert f"NMBE {cal.nmbe_pct:+.1f} %" in inputs.building_source and "12 gas bills" in inputs.building_source


def test_without_calibration_the_bills_are_checked_but_the_building_stays(files):
    config = _config(files, 'bills = "bills.csv"\ncalibrate = false\n')
    described = load_measured_building()
    assert config.calibration is None and config.study.inputs.building_source == ""
    assert config.study.inputs.building.setpoint_degc == described.setpoint_degc


def test_prior_overrides_keep_the_defaults_of_the_keys_not_given(files):
    setup = load_measured(_write(files, "p.toml", SMALL_STUDY + '\n[measured]\nbills = "bills.csv"\n'
                                 '[measured.priors.boiler_efficiency]\nmean = 0.9\nsd = 0.02\n'
                                 '[measured.priors.setpoint_degc]\nsd = 0.5\n'))
    priors = setup.measured.priors
    assert (priors["boiler_efficiency"].mean, priors["boiler_efficiency"].sd) == (0.9, 0.02)
    assert priors["setpoint_degc"].mean == setup.building.setpoint_degc and priors["setpoint_degc"].sd == 0.5
    assert set(priors) == {"boiler_efficiency", "setpoint_degc"}


def _write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("measured", "error", "words"), [
    ('bills = "bills.csv"\nbill = 1\n', InputError, ["measured: unknown key 'bill'", "allowed keys"]),
    ('bills = "none.csv"\n', FileNotFoundError, ["measured.bills", "none.csv"]),
    ('bills = "bills.csv"\n[measured.priors.u_scale]\nsd = -0.1\n', InputError, ["measured.priors.u_scale", "sd"]),
    ('bills = "bills.csv"\n[measured.priors.u_value]\nsd = 0.1\n', InputError, ["measured.priors", "'u_value'",
                                                                              "boiler_efficiency"]),
    ('bills = "bills.csv"\nweather_format = "epw"\n', InputError, ["measured.weather_format", "measured.weather"]),
    ('bills = "bills.csv"\nweather = "w.txt"\n', InputError, ["measured.weather[0]", "w.txt", "weather_format"]),
    ('bills = "bills.csv"\nweather = ["w.epw"]\n', FileNotFoundError, ["measured.weather[0]", "w.epw"]),
    ('bills = "bills.csv"\nweather = [1]\n', InputError, ["measured.weather", "array of file names"]),
    ('bills = "bills.csv"\nnoise_kwh_per_day = 0\n', InputError, ["noise_kwh_per_day", "0"]),
])
def test_bad_measured_tables_are_refused_naming_the_key(files, measured, error, words):
    with pytest.raises(error) as info:
        _config(files, measured)
    for word in words:
        assert word in str(info.value)


def test_the_whole_file_is_checked_before_the_calibration_runs(files, monkeypatch):
    def calibrate(*args, **kwargs):
        raise AssertionError("the calibration ran before the rest of the file was checked")

    monkeypatch.setattr("mgwsim.config._measured.calibrate_to_bills", calibrate)
    data = tomllib.loads(SMALL_STUDY + '\n[measured]\nbills = "bills.csv"\n')
    data["variants"][0]["plant"]["heat_pumps"]["n_units"] = 0
    with pytest.raises(InputError, match=r"variants\[0\]\.plant\.heat_pumps"):
        read_config(data, files)


# --------------------------------------------------------------------------- mgwsim calibrate
def test_calibrate_writes_the_fit_tables_and_prints_the_guideline14_verdict(files, capsys):
    out = files / "out"
    assert cli.main(["calibrate", str(files / "bills.csv"), "--building", str(files / "small.toml"),
                     "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    summary = pd.read_csv(out / "calibration_summary.csv", index_col=0)["value"]
    cv, nmbe = float(summary["cv_rmse_pct"]), float(summary["nmbe_pct"])
    assert f"CV(RMSE) {cv:.1f} %, NMBE {nmbe:+.1f} %: meets ASHRAE Guideline 14" in printed
    parameters = pd.read_csv(out / "calibration_parameters.csv", index_col=0)
    row = parameters.loc["setpoint_degc"]
    assert row["ci95_low"] <= TRUTH["setpoint_degc"] <= row["ci95_high"]
    fit = pd.read_csv(out / "change_point.csv", index_col=0)["value"]
    periods = pd.read_csv(out / "change_point_periods.csv", index_col=0)
    assert len(periods) == 12 and int(float(fit["n_periods"])) == 12
    assert len(pd.read_csv(out / "calibration_periods.csv")) == 12
    assert not list(out.glob(".*"))  # no temporary files left
    html = (out / "calibration.html").read_text(encoding="utf-8")
    assert '<section id="calibration">' in html and 'id="guideline14-table"' in html
    assert 'data-figure="calibration_monthly"' in html and "meets Guideline 14" in html
    sheets = pd.read_excel(out / "calibration.xlsx", sheet_name=None, index_col=0)
    assert {"change_point", "parameters", "guideline14", "periods"} <= set(sheets)
    assert sheets["parameters"].loc["setpoint_degc", "estimate"] == pytest.approx(row["estimate"])


def test_calibrate_refuses_a_missing_bills_file(files, capsys):
    line = _one_line(capsys, ["calibrate", str(files / "none.csv"), "--building", str(files / "small.toml")], 2)
    assert "no such gas bills file" in line and "none.csv" in line


def test_calibrate_refuses_a_missing_configuration(files, capsys):
    line = _one_line(capsys, ["calibrate", str(files / "bills.csv"), "--building", str(files / "none.toml")], 2)
    assert "no such study configuration" in line


def test_calibrate_refuses_bills_in_the_wrong_layout(files, capsys):
    bad = _write(files, "bad.csv", "from,to,kwh\n2019-01-01,2019-01-31,100\n")
    line = _one_line(capsys, ["calibrate", str(bad), "--building", str(files / "small.toml"), "-o",
                              str(files / "out")], 2)
    assert line.startswith("mgwsim: file ") and "bad.csv: missing column" in line and "'start'" in line
    assert not (files / "out").exists()


def test_calibrate_refuses_bills_outside_the_weather_years(files, capsys):
    shifted = _write(files, "2018.csv", _bills_text(year_shift=-1))
    line = _one_line(capsys, ["calibrate", str(shifted), "--building", str(files / "small.toml"), "-o",
                              str(files / "out")], 2)
    assert "2018.csv" in line and "2018-01-01" in line and "weather" in line
    assert not (files / "out").exists()


def test_calibrate_refuses_an_output_path_that_is_a_file(files, capsys):
    blocker = _write(files, "out", "")
    line = _one_line(capsys, ["calibrate", str(files / "bills.csv"), "--building", str(files / "small.toml"), "-o",
                              str(blocker)], 2)
    assert "-o/--out" in line and "is a file" in line


# --------------------------------------------------------------------------- mgwsim monitor
@pytest.fixture(scope="module")
def simulated_h2():
    config = read_config(tomllib.loads(SMALL_STUDY))
    result = evaluate_variant(config.study.inputs, config.study.variants[0])
    return simulated_monitoring(result.system, result.balance, boundary="H2")


def _monitoring_csv(folder, simulated: pd.DataFrame, *, elec_factor: float, days=("2019-01-07", "2019-01-20")):
    """The simulation's heat and electricity (× elec_factor) over two January weeks, as a monitoring export."""
    local = simulated.tz_convert("Europe/Brussels").loc[days[0]:days[1]]
    frame = pd.DataFrame({"time": local.index.strftime("%Y-%m-%d %H:%M"),
                          "electricity_kwh": local["electricity_kwh"].to_numpy() * elec_factor,
                          "heat_kwh": local["heat_kwh"].to_numpy(), "supply_temp_degc": 45.0,
                          "return_temp_degc": 38.0})
    path = folder / "hp.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("period_weather", [False, True], ids=["study weather", "--weather"])
def test_monitor_finds_the_spf_gap_of_a_ten_percent_lower_cop(files, simulated_h2, capsys, period_weather):
    measured = _monitoring_csv(files, simulated_h2, elec_factor=1 / 0.9)
    out = files / "mon"
    weather = ["--weather", str(data_path("weather", "uccle_nsrdb_2019_hourly.csv.gz"))] if period_weather else []
    assert cli.main(["monitor", str(measured), "--study", str(files / "small.toml"), "-o", str(out), *weather]) == 0
    printed = capsys.readouterr().out
    table = pd.read_csv(out / "performance_gap.csv", index_col=0)
    assert table.loc["spf_H2", "gap_pct"] == pytest.approx(-10.0, abs=1e-6)
    assert table.loc["heat_kwh", "gap"] == pytest.approx(0.0, abs=1e-6)
    row = table.loc["spf_H2"]
    assert f"SPF H2: measured {row['measured']:.2f}, simulated {row['simulated']:.2f}" in printed
    assert "(-10.0 %)" in printed


def test_monitor_refuses_a_missing_file(files, capsys):
    line = _one_line(capsys, ["monitor", str(files / "none.csv"), "--study", str(files / "small.toml")], 2)
    assert "no such monitoring file" in line


def test_monitor_refuses_an_export_without_heat(files, capsys):
    bad = _write(files, "hp.csv", "time,electricity_kwh,supply_temp_degc,return_temp_degc\n2019-01-01 00:00,1,45,38\n")
    line = _one_line(capsys, ["monitor", str(bad), "--study", str(files / "small.toml")], 2)
    assert "hp.csv" in line and "'heat_kwh'" in line


def test_monitor_asks_which_variant_was_built(files, simulated_h2, capsys):
    measured = _monitoring_csv(files, simulated_h2, elec_factor=1.0)
    study = _write(files, "two.toml", TWO_VARIANTS)
    line = _one_line(capsys, ["monitor", str(measured), "--study", str(study)], 2)
    assert "give --variant" in line and "'heat pumps', 'larger heat pumps'" in line
    line = _one_line(capsys, ["monitor", str(measured), "--study", str(study), "--variant", "big"], 2)
    assert "--variant 'big' is not in the study" in line


def test_monitor_refuses_data_outside_the_simulated_year(files, capsys):
    rows = "".join(f"2024-01-01 {h:02d}:00,1,3,45,38\n" for h in range(3))
    measured = _write(files, "hp.csv", "time,electricity_kwh,heat_kwh,supply_temp_degc,return_temp_degc\n" + rows)
    line = _one_line(capsys, ["monitor", str(measured), "--study", str(files / "small.toml")], 2)
    assert "lie outside the simulated weather" in line and "2024-01-01" in line and "--weather" in line


def test_the_report_states_the_calibration_next_to_the_building_name():
    from types import SimpleNamespace

    from mgwsim.report.sources import building_facts
    from mgwsim.study import StudyInputs

    stated = "calibrated to 12 gas bills 2019-01-01..2019-12-31 (file bills.csv): CV(RMSE) 2.0 %, NMBE +0.1 %"
    building = load_measured_building()
    facts = dict(building_facts(SimpleNamespace(inputs=StudyInputs(building=building, building_source=stated)), "en"))
    plain = dict(building_facts(SimpleNamespace(inputs=StudyInputs(building=building)), "en"))
    name_label = next(label for label, value in plain.items() if value == building.name)
    assert facts[name_label] == f"{building.name} ({stated})"


def test_study_with_measured_bills_says_it_runs_on_the_calibrated_building(files, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "mgwsim.report", None)  # no report: the table is enough here
    study = _write(files, "cal.toml", SMALL_STUDY + '\n[measured]\nbills = "bills.csv"\n')
    assert cli.main(["study", str(study), "-o", str(files / "out")]) == 0
    err = capsys.readouterr().err
    assert "building calibrated to 12 gas bills 2019-01-01..2019-12-31" in err and "CV(RMSE)" in err
    assert list(pd.read_csv(files / "out" / "table.csv", index_col=0).index) == ["gas boiler", "heat pumps"]


# --------------------------------------------------------------------------- weather of the billed years
def _epw_of_year(shared_data, folder, year: int):
    """The Uccle TMYx file with every row stamped ``year``: stands for a weather file of that year."""
    lines = (shared_data / "weather" / "BEL_VLG_Uccle.064470_TMYx.2007-2021.epw").read_text(
        encoding="latin-1").splitlines()
    rows = [str(year) + line[line.index(","):] for line in lines[8:]]
    path = folder / f"uccle_{year}.epw"
    path.write_text("\n".join(lines[:8] + rows) + "\n", encoding="latin-1")
    return path


def test_measured_weather_files_of_two_years_carry_bills_across_new_year(shared_data, tmp_path):
    weathers = [read_epw(_epw_of_year(shared_data, tmp_path, year)) for year in (2021, 2022)]
    daily = simulated_daily_gas_kwh(load_measured_building(), weathers, litres_per_person_day=40.0,
                                    boiler_efficiency=0.85)
    winter = daily.loc["2021-10-01":"2022-03-31"]
    monthly = winter.groupby(winter.index.to_period("M")).sum()
    rows = "".join(f"{p.start_time.date()},{p.end_time.date()},{v:.1f}\n" for p, v in monthly.items())
    _write(tmp_path, "bills.csv", "start,end,energy_kwh\n" + rows)
    study = _write(tmp_path, "s.toml", SMALL_STUDY + '\n[measured]\nbills = "bills.csv"\n'
                   'weather = ["uccle_2021.epw", "uccle_2022.epw"]\n')
    setup = load_measured(study)
    assert [w.index[0].year for w in setup.measured.weather] == [2021, 2022]
    fit = fit_change_point(setup.measured.bills, list(setup.measured.weather))
    assert len(fit.periods) == 6 and fit.r_squared > 0.95


def test_calibrate_refuses_bills_outside_the_measured_weather_files(shared_data, files, capsys):
    _epw_of_year(shared_data, files, 2021)
    study = _write(files, "s.toml", SMALL_STUDY + '\n[measured]\nweather = "uccle_2021.epw"\n')
    line = _one_line(capsys, ["calibrate", str(files / "bills.csv"), "--building", str(study)], 2)
    assert "bills.csv" in line and "2019-01-01" in line and "no (complete) weather" in line


# --------------------------------------------------------------------------- the whole loop on the example VME
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "measured"


@pytest.mark.slow
def test_the_example_vme_goes_through_calibrate_study_and_monitor(tmp_path, capsys, monkeypatch):
    """The issue's "done when": three years of monthly gas bills and a year of quarter hours (synthetic, made
    with known parameters by examples/measured/make_example_data.py) through the command line."""
    for path in EXAMPLE.iterdir():
        if path.is_file() and path.suffix != ".py":
            shutil.copy(path, tmp_path / path.name)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["calibrate", "gas_bills_2021_2023.csv", "--building", "study.toml", "-o", "cal",
                     "--language", "nl"]) == 0
    parameters = pd.read_csv(tmp_path / "cal" / "calibration_parameters.csv", index_col=0)
    truth = {"setpoint_degc": 21.0, "infiltration_per_h": 0.55, "u_scale": 1.1, "litres_per_person_day": 48.0,
             "boiler_efficiency": 0.87}
    for name, value in truth.items():   # within 2.5 posterior sd (the 95 % intervals with some slack)
        estimate, sd = parameters.loc[name, ["estimate", "sd"]]
        assert abs(estimate - value) <= 2.5 * sd, name
    summary = pd.read_csv(tmp_path / "cal" / "calibration_summary.csv", index_col=0)["value"]
    assert float(summary["cv_rmse_pct"]) <= 15.0 and abs(float(summary["nmbe_pct"])) <= 5.0
    assert "Kalibratie op de gasfacturen" in (tmp_path / "cal" / "calibration.html").read_text(encoding="utf-8")

    monkeypatch.setitem(sys.modules, "mgwsim.report", None)  # the study's own report is tested elsewhere
    assert cli.main(["study", "study.toml", "-o", "study"]) == 0
    assert "building calibrated to 36 gas bills 2021-01-01..2023-12-31" in capsys.readouterr().err
    monkeypatch.delitem(sys.modules, "mgwsim.report")

    assert cli.main(["monitor", "heatpump_monitoring_2025.csv.gz", "--study", "study.toml", "--meter",
                     "fluvius_2025.csv.gz", "--weather", "weather_2025.epw.gz", "-o", "mon"]) == 0
    printed = capsys.readouterr().out
    gap = pd.read_csv(tmp_path / "mon" / "performance_gap.csv", index_col=0)
    assert {"heat_kwh", "electricity_kwh", "spf_H2", "pv_self_consumption", "peak_import_kw"} <= set(gap.index)
    assert abs(gap.loc["heat_kwh", "gap_pct"]) < 5.0     # the calibrated building delivers the measured heat
    assert gap.loc["spf_H2", "gap_pct"] < -8.0           # the 10 % low COP shows (plus the calibration's error)
    savings = pd.read_csv(tmp_path / "mon" / "normalised_savings.csv", index_col=0)["value"].astype(float)
    assert savings["savings_kwh"] == pytest.approx(savings["baseline_normal_kwh"] - savings["reporting_normal_kwh"])
    assert savings["uncertainty_kwh"] > 0 and "normalised savings (IPMVP" in printed
    html = (tmp_path / "mon" / "monitoring.html").read_text(encoding="utf-8")
    for marker in ('id="performance-gap-table"', 'id="normalised-savings-table"', 'data-figure="monitoring_monthly"',
                   'data-figure="normalised_savings"'):
        assert marker in html
    sheets = pd.read_excel(tmp_path / "mon" / "monitoring.xlsx", sheet_name=None)
    assert {"performance_gap", "monthly", "normalised_savings"} <= set(sheets)
