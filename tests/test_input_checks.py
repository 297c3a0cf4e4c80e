"""Inputs are refused where they enter, with a message naming the field, the value and what is allowed."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from mgwsim.building import Building, OpaqueElement, Window, building_from_typology
from mgwsim.errors import DataError, InputError, check_choice, check_integer, check_number
from mgwsim.finance import Finance
from mgwsim.study.study import _progress_reporter
from mgwsim.weather import UCCLE, Site, Weather, default_weather, design_temperature


@pytest.fixture(scope="module")
def weather():
    return default_weather()


# --------------------------------------------------------------------------- numbers
@pytest.mark.parametrize(("value", "shown"), [("1850", "'1850' (str)"), (True, "True (bool)"),
                                              (np.bool_(False), "np.False_ (bool)"), (None, "None (NoneType)"),
                                              ([1.0], "[1.0] (list)")])
def test_check_number_refuses_what_is_not_a_number(value, shown):
    with pytest.raises(InputError) as error:
        check_number(value, "floor_area_m2", owner="Building(x)")
    assert str(error.value) == f"Building(x).floor_area_m2 must be a number, got {shown}"


@pytest.mark.parametrize("value", [3, 3.0, np.float32(3.0), np.int64(3), Fraction(3), np.array(3.0)])
def test_check_number_takes_numbers_of_every_kind(value):
    assert check_number(value, "x") == 3.0 and type(check_number(value, "x")) is float


@pytest.mark.parametrize("value", [2.7, 2.5, True, "2"])
def test_check_integer_refuses_what_is_not_a_whole_number(value):
    with pytest.raises(InputError, match=r"^Finance\.n_apartments must be a (whole )?number, got "):
        check_integer(value, "n_apartments", owner="Finance", low=1)


@pytest.mark.parametrize("value", [12, 12.0, np.int32(12), np.float64(12.0)])
def test_check_integer_takes_whole_numbers(value):
    result = check_integer(value, "n", low=1)
    assert result == 12 and type(result) is int


def test_check_integer_keeps_the_range_check():
    with pytest.raises(InputError, match=r"^n_storeys = 0 is outside the allowed range \[1, 100\]$"):
        check_integer(0, "n_storeys", low=1, high=100)


def test_check_choice_names_close_matches():
    with pytest.raises(InputError) as error:
        check_choice("ventilaton", "kind", ("ventilation", "heating"), owner="x")
    assert str(error.value) == "x.kind = 'ventilaton' is not one of 'ventilation', 'heating' (did you mean 'ventilation'?)"


# --------------------------------------------------------------------------- building
def _elements():
    return (OpaqueElement("wall", 500.0, 1.0), OpaqueElement("roof", 300.0, 0.5), OpaqueElement("floor", 300.0, 0.8))


@pytest.mark.parametrize(("field", "value"), [("n_apartments", 2.7), ("n_apartments", True), ("n_storeys", 2.5)])
def test_building_counts_are_whole_numbers(field, value):
    counts = {"n_apartments": 12, "n_storeys": 4} | {field: value}
    with pytest.raises(InputError) as error:
        Building("x", 900.0, elements=_elements(), windows=(), **counts)
    kind = "a number" if isinstance(value, bool) else "a whole number"
    assert str(error.value).startswith(f"Building(x).{field} must be {kind}, got {value!r}")


def test_building_from_typology_refuses_text_and_fractions():
    with pytest.raises(InputError, match=r"^building_from_typology\.floor_area_m2 must be a number, got '1850' \(str\)$"):
        building_from_typology("AB.02", 1, floor_area_m2="1850")
    with pytest.raises(InputError, match=r"^building_from_typology\.n_apartments must be a whole number, got 2\.5$"):
        building_from_typology("AB.02", 1, n_apartments=2.5)
    with pytest.raises(InputError, match=r"^building_from_typology\.n_storeys must be a whole number, got 2\.5$"):
        building_from_typology("AB.02", 1, n_storeys=2.5)
    assert building_from_typology("AB.02", 1, n_apartments=12.0, n_storeys=4.0).n_apartments == 12


def test_a_window_larger_than_its_wall_is_refused():
    with pytest.raises(InputError) as error:
        Building("x", 900.0, 12, 4, _elements(), (Window(5000.0, 2.8, 0.6, 180.0),))
    assert str(error.value) == ("Building(x).windows: 5,000.0 m2 of windows against 500.0 m2 of walls and doors on "
                                "the façades would glaze 91% of it; allowed: at most 90% (floor-slab edges stay "
                                "opaque). Is a window area wrong or a wall missing?")


def test_windows_are_checked_per_orientation_when_walls_have_one():
    walls = (OpaqueElement("wall", 10.0, 0.5, azimuth_deg=180.0, solar_absorptance=0.6),
             OpaqueElement("wall", 400.0, 0.5, azimuth_deg=0.0, solar_absorptance=0.6))
    elements = (*walls, OpaqueElement("roof", 300.0, 0.5), OpaqueElement("floor", 300.0, 0.8))
    with pytest.raises(InputError, match=r"on the façade facing 180° would glaze 95% of it"):
        Building("x", 900.0, 12, 4, elements, (Window(200.0, 2.8, 0.6, 180.0),))
    # a fully glazed south front is fine up to 90 %, and roof lights are not on a façade
    Building("x", 900.0, 12, 4, elements, (Window(90.0, 2.8, 0.6, 180.0), Window(900.0, 2.8, 0.6, 180.0, tilt_deg=0.0)))


# --------------------------------------------------------------------------- finance
def test_finance_counts_and_escalation_keys():
    with pytest.raises(InputError, match=r"^Finance\.n_apartments must be a whole number, got 2\.5$"):
        Finance(n_apartments=2.5)
    with pytest.raises(InputError) as error:
        Finance(escalation_frac={"petrol": 0.02})
    assert str(error.value) == ("Finance.escalation_frac key = 'petrol' is not one of 'electricity', 'gas', "
                                "'injection', 'om', 'district_heat'")
    with pytest.raises(InputError, match="did you mean 'electricity'"):
        Finance(escalation_frac={"electricty": 0.02})
    assert Finance(n_apartments=20.0, escalation_frac={"gas": 0.02}).n_apartments == 20.0


def test_heat_pump_units_are_whole():
    from mgwsim.heatpump import PerformanceMap
    from mgwsim.system import HeatPumpCascade

    pmap = object.__new__(PerformanceMap)  # the count is checked before anything reads the map
    with pytest.raises(InputError, match=r"^HeatPumpCascade\.n_units must be a whole number, got 2\.5$"):
        HeatPumpCascade(pmap, 2.5)


# --------------------------------------------------------------------------- weather
def test_weather_validates_its_frame(weather):
    data = weather.data
    cases = {
        "missing column": (data.drop(columns="ghi_w_m2"), r"missing column\(s\) ghi_w_m2"),
        "NaN": (data.assign(temp_air_degc=np.r_[np.nan, data["temp_air_degc"].to_numpy()[1:]]),
                r"column 'temp_air_degc' has 1 missing value\(s\) \(NaN\)"),
        "range": (data.assign(wind_speed_m_s=-1.0), r"column 'wind_speed_m_s' has 8760 physically impossible"),
        "naive": (data.tz_localize(None), "the time index is tz-naive"),
        "not a year": (data.iloc[:8400], r"8400 steps of 1 h cover 350 days, almost a year but not a full one"),
        "gap": (data.drop(data.index[100]), "time index is not regularly hourly: a gap"),
    }
    for frame, message in cases.values():
        with pytest.raises(DataError, match=r"^Weather \(mine\): " + message):
            Weather(frame, UCCLE, source="mine")


def test_weather_takes_a_year_a_period_or_a_longer_series(weather):
    assert Weather(weather.data, UCCLE).n_steps == 8760
    assert Weather(weather.data.iloc[: 24 * 31], UCCLE).n_steps == 744  # an explicit period
    with pytest.raises(InputError, match=r"^Weather\.site must be a Site, got str$"):
        Weather(weather.data, "Uccle")


def test_a_study_needs_a_full_year_of_weather(weather):
    from mgwsim.examples import antwerp_block
    from mgwsim.study import StudyInputs

    period = Weather(weather.data.iloc[:8000], UCCLE, source="333 days")  # a valid period for a simulation
    with pytest.raises(InputError, match=r"^StudyInputs\.weather covers 333\.333 days \(333 days\); allowed: a full "
                                         r"year"):
        StudyInputs(antwerp_block(), period)
    assert StudyInputs(antwerp_block(), weather).weather.n_steps == 8760


# --------------------------------------------------------------------------- municipality
def test_a_misspelt_municipality_names_close_matches():
    with pytest.raises(InputError) as error:
        Site("x", 51.2, 4.4, municipality="Antwerpn")
    message = str(error.value)
    assert message.startswith("Site.municipality = 'Antwerpn' is not in the national table "
                              "design_temperatures_be.csv (did you mean 'Antwerpen' or 'Antwerp'?); known: Ukkel, ")
    assert message.endswith("Give one of them, or leave municipality out to derive the value from the weather "
                            "(method='data')")


def test_an_unknown_municipality_lists_the_known_ones(weather):
    with pytest.raises(InputError) as error:
        Site("x", 51.2, 4.4, municipality="Xyzzy")
    assert "did you mean" not in str(error.value) and "known: Ukkel, Brussel, Antwerpen, Gent" in str(error.value)
    assert design_temperature(Site("x", 51.2, 4.4), weather).confidence == "statistic"  # no municipality: the data


# --------------------------------------------------------------------------- study progress
def test_study_progress_bar_on_request(capsys):
    tell, close = _progress_reporter(True, 3)
    for step in ("simulating gas boiler", "simulating heat pumps", "simulating hybrid"):
        tell(step)
    close()
    err = capsys.readouterr().err
    assert "mgwsim study" in err and "0/3" in err and "simulating hybrid" in err


def test_study_progress_is_quiet_when_nobody_watches(capsys):
    tell, close = _progress_reporter(None, 2)  # pytest's captured stderr is not a terminal
    tell("simulating gas boiler")
    close()
    assert capsys.readouterr() == ("", "")
    messages = []
    tell, close = _progress_reporter(messages.append, 2)
    tell("simulating gas boiler")
    close()
    assert messages == ["simulating gas boiler"]
    with pytest.raises(InputError, match="Study.run.progress must be a function, True, False or None, got 'yes'"):
        _progress_reporter("yes", 2)


# --------------------------------------------------------------------------- EPW files
def test_an_epw_without_its_location_record(tmp_path):
    from mgwsim.weather import read_epw

    path = tmp_path / "garbage.epw"
    path.write_text("garbage\n", encoding="utf-8")
    with pytest.raises(DataError) as error:
        read_epw(path)
    assert str(error.value) == (f"EPW file {path}: cannot be read as EPW: line 1 is not a LOCATION record with city, latitude, "
                                "longitude, time zone and elevation (got 'garbage'); is this an EPW file?")
