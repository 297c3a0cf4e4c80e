"""The embedded weather and tariff files at the top of the repository, and files of one's own."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

from mgwsim._data import data_path
from mgwsim.config import read_config
from mgwsim.errors import InputError
from mgwsim.study import StudyInputs
from mgwsim.tariffs import load_tariff, read_tariff
from tests.test_config import MINIMAL

ROOT = Path(__file__).resolve().parents[1]


def _embedded_data() -> dict[str, str]:
    """setup.py's mapping of packaged data folders to repository folders."""
    tree = ast.parse((ROOT / "setup.py").read_text(encoding="utf-8"))
    assignment = next(node for node in tree.body if isinstance(node, ast.Assign)
                      and node.targets[0].id == "EMBEDDED_DATA")
    return ast.literal_eval(assignment.value)


def test_weather_and_tariffs_live_at_the_top_and_are_packaged():
    mapping = _embedded_data()
    assert mapping == {"mgwsim.data.weather": "data/weather", "mgwsim.data.tariffs": "data/tariffs"}
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"]
    for package, folder in mapping.items():
        assert package_data[package] == ["*"]
        files = sorted(p for p in (ROOT / folder).iterdir() if p.is_file())
        assert ROOT / folder / "README.md" in files
        assert not (ROOT / "src" / "mgwsim" / "data" / Path(folder).name).exists()  # one copy only
        for file in files:
            assert data_path(Path(folder).name, file.name).samefile(file)


def _own_tariff(tmp_path: Path, energy_eur_per_kwh: float) -> Path:
    text = (ROOT / "data" / "tariffs" / "lv_fluvius_antwerpen_2026.toml").read_text(encoding="utf-8")
    text = text.replace('name = "lv_fluvius_antwerpen_2026"', 'name = "lv_my_supplier_2026"')
    text = text.replace("energy_eur_per_kwh = { value = 0.115,", f"energy_eur_per_kwh = {{ value = {energy_eur_per_kwh},")
    path = tmp_path / "my_lv.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_tariff_file_of_ones_own_is_read_from_the_config(tmp_path):
    _own_tariff(tmp_path, 0.2)
    inputs = read_config({**MINIMAL, "tariffs": {"lv": "my_lv.toml"}}, base_dir=tmp_path).study.inputs
    own = inputs.tariff("lv", dynamic=False)
    assert own.name == "lv_my_supplier_2026" and own["energy_eur_per_kwh"] == 0.2
    assert load_tariff("lv_fluvius_antwerpen_2026")["energy_eur_per_kwh"] == 0.115
    assert inputs.tariff("lv", dynamic=True)["supply_kind"] == "dynamic"
    assert inputs.unmet_heat_price_eur_per_kwh > read_config(MINIMAL).study.inputs.unmet_heat_price_eur_per_kwh


def test_a_missing_tariff_file_names_the_key_and_the_path(tmp_path):
    with pytest.raises(InputError, match=r"tariffs.lv: tariff file '.*nowhere.toml' not found"):
        read_config({**MINIMAL, "tariffs": {"lv": "nowhere.toml"}}, base_dir=tmp_path)


def test_a_tariff_of_the_wrong_kind_is_refused(tmp_path):
    own = read_tariff(_own_tariff(tmp_path, 0.2))
    building = read_config(MINIMAL).study.inputs.building
    with pytest.raises(InputError, match="StudyInputs.gas_tariff must be a gas tariff, got 'lv_my_supplier_2026' "
                                         "of kind 'low_voltage'"):
        StudyInputs(building=building, gas_tariff=own)
    assert StudyInputs(building=building, lv_tariff=own).tariff("lv", dynamic=False) is own
