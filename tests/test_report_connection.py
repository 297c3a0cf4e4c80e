"""The smallest grid connection in the study report, checked by hand; one power factor for kW → kVA.

The demo's smallest connections (:func:`mgwsim.report.connection.smallest_connections`) are read as a
reviewing engineer would: the kVA figures are the kW over cos φ 0.95, rounded up; the capacity tariff saved
is the low-voltage rate on the monthly peaks saved, with VAT; the reinforcement avoided is the connection
upgrade the unlimited year pays; and the report (both languages) shows the table, the sentences and one
sentence on page one.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mgwsim.electric import CONNECTION_POWER_FACTOR, apparent_power_kva
from mgwsim.errors import InputError
from mgwsim.report.text import CONNECTION_LABELS, connection_sentence, connection_table


@pytest.fixture(scope="module")
def demo():
    from mgwsim.demo import example_study

    return example_study().run()


@pytest.fixture(scope="module")
def connections(demo):
    from mgwsim.report.connection import smallest_connections

    return smallest_connections(demo)


# --------------------------------------------------------------------------- one power factor
def test_the_power_factor_is_the_reactive_energy_threshold_and_used_everywhere():
    """cos φ = 1 / sqrt(1 + 0.329²) (the 32.9 % flat allowance of reactive energy) = 0.950, the one value every
    kW → kVA of a connection uses."""
    from mgwsim.assess import connection_capacity
    from mgwsim.assess.path import PathContext
    from mgwsim.study import connection, costs, search

    assert CONNECTION_POWER_FACTOR == pytest.approx(1.0 / math.sqrt(1.0 + 0.329 ** 2), abs=1e-3)
    assert connection.POWER_FACTOR == search.POWER_FACTOR == costs.CONNECTION_POWER_FACTOR == CONNECTION_POWER_FACTOR
    assert inspect.signature(connection_capacity).parameters["power_factor"].default == CONNECTION_POWER_FACTOR
    assert PathContext().power_factor == CONNECTION_POWER_FACTOR
    assert apparent_power_kva(95.0) == pytest.approx(100.0)
    # the low-voltage check: 95 kW is 100 kVA, which fits a 100 kVA connection; 96 kW does not
    assert connection_capacity(95.0, 100.0).status == "pass"
    assert connection_capacity(96.0, 100.0).status == "warn"


def test_the_medium_voltage_cabin_is_sized_in_kva_and_the_access_power_billed_in_kw(demo):
    """The cabin's connection fee is per kVA of the peak's apparent power (190 kW / 0.95 = 200 kVA, above the
    100 kVA minimum); the access power is billed in kW as Fluvius states it (150 kW at 33.66 EUR/kW/year),
    with no power factor."""
    from mgwsim.study.costs import variant_investments
    from mgwsim.tariffs import annual_bill

    inputs = demo.inputs
    mv = inputs.tariff("mv", dynamic=False)
    variant = next(vr.variant for vr in demo.results if vr.variant.connection == "mv")
    items = variant_investments(variant, inputs.cost_table, mv_tariff=mv, access_power_kva=190.0,
                                design_heat_load_kw=100.0, peak_import_kw=190.0)
    fee = next(i.capex_eur for i in items if i.name == "medium-voltage connection")
    assert fee == pytest.approx(mv["connection_fixed_eur"] + mv["connection_metering_eur"]
                                + mv["connection_eur_per_kva"] * 200.0)
    small = variant_investments(variant, inputs.cost_table, mv_tariff=mv, access_power_kva=50.0,
                                design_heat_load_kw=100.0, peak_import_kw=50.0)
    assert next(i.capex_eur for i in small if i.name == "medium-voltage connection") == pytest.approx(
        mv["connection_fixed_eur"] + mv["connection_metering_eur"] + mv["connection_eur_per_kva"] * 100.0)
    index = pd.date_range("2025-01-01", periods=8760, freq="h", tz="Europe/Brussels")
    flows = pd.DataFrame({"grid_import_kwh": np.full(8760, 10.0), "grid_export_kwh": 0.0}, index=index)
    flows.iloc[100, 0] = 150.0
    bill = annual_bill(flows, mv)
    access = float(bill.components.loc[("electricity", "capacity", "access_power")])
    assert access == pytest.approx(mv["access_power_eur_per_kva_year"] * 150.0)
    assert any("Fluvius bills it in kW" in note for note in bill.notes)


# --------------------------------------------------------------------------- the numbers, by hand
def _monthly_peaks_kw(result) -> np.ndarray:
    """The year's monthly highest hourly import [kW] in local (Belgian) calendar months."""
    imports = result.balance["grid_import_kwh"] / result.system.step_h
    local = imports.tz_convert("Europe/Brussels") if imports.index.tz is not None else imports
    return local.groupby(local.index.month).max().to_numpy()


def test_the_kva_figures_are_the_kw_over_the_power_factor_rounded_up(demo, connections):
    found = connections["all-electric + PV"]
    summary = found.summary()
    peak = float(found.base.balance["grid_import_kwh"].max()) / found.base.system.step_h
    assert peak == pytest.approx(float(demo.table.loc["all-electric + PV", "peak_import_kw"]))
    assert summary["unlimited_kva"] == math.ceil(peak / 0.95)
    assert summary["smallest_kva"] == math.ceil(found.limit_kw / 0.95)
    assert summary["existing_kva"] == demo.inputs.existing_connection_kva == 100.0
    # the year at the limit really stays under it, and the limit keeps comfort: at most 3 % of the heating hours cold
    best_peak = float(found.best.balance["grid_import_kwh"].max()) / found.best.system.step_h
    assert best_peak <= found.limit_kw * (1 + 1e-6)
    assert found.best_comfort["cold_hours"] <= 0.03 * found.best_comfort["heating_hours"]
    # a smaller connection was tried and lost comfort (the search is not stopped at the first limit)
    lost = found.table[~found.table["feasible"] & (found.table["limit_kw"] < found.limit_kw)]
    assert len(lost) and (found.limit_kw - lost["limit_kw"].max()) <= 1.0


def test_the_capacity_tariff_saved_is_the_rate_on_the_monthly_peaks_saved_with_vat(demo, connections):
    """LV capacity tariff (VREG, since 2023): rate [EUR/kW/year] / 12 x Σ_months max(peak_m, 2.5 kW), plus VAT;
    the saving is that amount without the limit minus at the limit."""
    lv = demo.inputs.tariff("lv", dynamic=False)
    rate, floor_kw, vat = lv["capacity_eur_per_kw_year"], lv["capacity_min_kw"], lv["vat_frac"]
    for name, found in connections.items():
        if found.best is None:
            continue

        def capacity(result):
            return rate / 12.0 * float(np.maximum(_monthly_peaks_kw(result), floor_kw).sum()) * (1.0 + vat)

        assert found.summary()["capacity_tariff_saving_eur"] == pytest.approx(
            capacity(found.base) - capacity(found.best), rel=1e-9, abs=1e-6), name
        assert found.summary()["energy_cost_change_eur"] == pytest.approx(
            sum(found.best.energy_cost_eur.values()) - sum(found.base.energy_cost_eur.values()))


def test_the_reinforcement_avoided_is_the_upgrade_the_unlimited_year_pays(demo, connections):
    """All-electric + PV draws 128 kVA without a limit, above today's 100 kVA: its unlimited year pays the
    low-voltage upgrade; at 86 kVA it fits and pays none. The hybrid needs no upgrade either way."""
    from mgwsim.study.costs import connection_upgrade_eur

    electric = connections["all-electric + PV"]
    upgrade = connection_upgrade_eur(electric.base.investments)
    assert upgrade is not None and upgrade > 0 and connection_upgrade_eur(electric.best.investments) is None
    assert electric.summary()["avoided_upgrade_eur"] == pytest.approx(upgrade)
    assert electric.summary()["unlimited_kva"] > 100 >= electric.summary()["smallest_kva"]
    hybrid = connections[demo.detail_variant]
    assert hybrid.summary()["avoided_upgrade_eur"] == 0.0


def test_the_hybrids_limit_moves_at_most_one_point_of_the_heat_to_the_boiler(demo, connections):
    """Without the backup rule a hybrid 'keeps comfort' on almost no connection by burning gas; with it the limit
    moves at most 1 % of the heat to the boiler, and the year it is judged on is the variant's own building
    (its roof insulated now): the unlimited limited run matches the study's year."""
    hybrid = connections[demo.detail_variant]
    assert demo.result(demo.detail_variant).variant.envelope_now
    assert hybrid.best_comfort["backup_share"] <= hybrid.base_comfort["backup_share"] + 0.01 + 1e-9
    first = hybrid.table.iloc[0]  # the first limit tried is the unlimited peak: the same year as the study's
    assert first["backup_share"] == pytest.approx(hybrid.base_comfort["backup_share"], abs=1e-3)
    summary = hybrid.summary()
    assert summary["extra_gas_mwh"] > 0 and summary["smallest_kva"] < summary["unlimited_kva"]


def test_the_variants_searched_are_the_detailed_one_and_the_all_electric_ones(demo, connections):
    from mgwsim.report.connection import connection_variants

    names = connection_variants(demo)
    assert names[0] == demo.detail_variant and list(connections) == names
    assert {"all-electric + PV", "heat pumps alone"} <= set(names)
    assert all(demo.result(n).variant.connection == "lv" for n in names)
    with pytest.raises(InputError, match="tol_kw"):
        from mgwsim.report.connection import smallest_connections

        smallest_connections(demo, tol_kw=0.0)


# --------------------------------------------------------------------------- words
@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_table_and_the_sentence_state_the_figures(connections, language):
    from mgwsim._format import format_eur, format_number

    electric = connections["all-electric + PV"]
    summary = electric.summary()
    table = connection_table(list(connections.values()), language)
    column = table[electric.variant.label(language)]
    index = 0 if language == "en" else 1
    assert column[CONNECTION_LABELS["smallest_kva"][index]] == format_number(summary["smallest_kva"], language)
    assert column[CONNECTION_LABELS["capacity_tariff_saving_eur"][index]] == format_eur(
        summary["capacity_tariff_saving_eur"], language)
    assert column[CONNECTION_LABELS["extra_gas_mwh"][index]] == "–"  # no gas to burn
    text = connection_sentence(electric, language)
    for value in (format_number(summary["smallest_kva"], language), format_number(summary["unlimited_kva"], language),
                  format_eur(summary["capacity_tariff_saving_eur"], language),
                  format_eur(summary["avoided_upgrade_eur"], language),
                  format_eur(abs(summary["energy_cost_change_eur"]), language)):
        assert value in text
    assert {"en": "capacity tariff included", "nl": "capaciteitstarief inbegrepen"}[language] in text
    assert {"en": "gas", "nl": "gas"}[language] not in text  # an all-electric variant burns no gas
    hybrid = next(c for c in connections.values() if c.variant.plant.backup.is_combustion)
    assert {"en": "MWh more gas", "nl": "MWh meer gas"}[language] in connection_sentence(hybrid, language)
    assert {"en": "reinforcement", "nl": "netversterking"}[language] not in connection_sentence(hybrid, language)
    alone = connections["heat pumps alone"]
    assert alone.best is None
    assert format_number(alone.base_comfort["cold_hours"], language) in connection_sentence(alone, language)


@pytest.fixture(scope="module")
def reports(demo, connections, tmp_path_factory):
    from mgwsim.report import write_report

    root = tmp_path_factory.mktemp("connection")
    return {language: write_report(demo, root / language, language=language, hourly_in_workbook=False,
                                   connections=connections).html.read_text(encoding="utf-8")
            for language in ("en", "nl")}


def test_the_workbook_has_the_connections_as_typed_numbers(demo, connections, tmp_path):
    from mgwsim.report import write_report

    paths = write_report(demo, tmp_path, language="en", hourly_in_workbook=False, connections=connections)
    sheet = pd.read_excel(paths.workbook, sheet_name="connection", index_col=0)
    assert list(sheet.index) == list(connections)
    for name, found in connections.items():
        expected = found.summary()
        for column in ("existing_kva", "unlimited_kva", "smallest_kva", "capacity_tariff_saving_eur"):
            if column in expected and not pd.isna(expected[column]):
                assert sheet.loc[name, column] == pytest.approx(float(expected[column])), (name, column)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_report_has_the_section_and_page_one_one_sentence(demo, connections, reports, language):
    from html import escape

    from mgwsim._format import format_number

    html = reports[language]
    section = html[html.index('<section id="connection"'):]
    section = section[:section.index("</section>")]
    assert 'id="connection-table"' in section
    for name, found in connections.items():
        assert f'data-connection="{escape(name)}"' in section
        assert escape(connection_sentence(found, language)) in section
    summary = html[html.index('<section id="summary"'):]
    summary = summary[:summary.index("</section>")]
    hybrid = connections[demo.detail_variant].summary()
    kva = format_number(hybrid["smallest_kva"], language)
    plain = {"en": f"with the heat pumps' power capped, {kva} kVA is enough",
             "nl": f"met het vermogen van de warmtepompen begrensd volstaat {kva} kVA"}[language]
    assert escape(plain) in summary


def test_without_the_search_the_section_says_how_to_ask_for_it(demo, tmp_path):
    from mgwsim.report import write_report

    html = write_report(demo, tmp_path, language="en", hourly_in_workbook=False).html.read_text(encoding="utf-8")
    assert "smallest_connection = true" in html
    with pytest.raises(InputError, match="connections"):
        write_report(demo, tmp_path, connections={"no such variant": None})


# --------------------------------------------------------------------------- configuration
def test_the_report_table_of_a_toml_switches_the_search_on(tmp_path):
    from mgwsim.branding import ReportSettings
    from mgwsim.config import load_config
    from mgwsim.demo import DEMO_REPORT

    assert DEMO_REPORT.smallest_connection and not ReportSettings().smallest_connection
    root = Path(__file__).resolve().parents[1] / "examples" / "antwerp_1930s.toml"
    text = root.read_text(encoding="utf-8")
    (tmp_path / "study.toml").write_text(text + "\n[report]\nsmallest_connection = true\n"
                                         "connection_tolerance_kw = 2.0\nconnection_max_extra_backup_share = 0.02\n",
                                         encoding="utf-8")
    settings = load_config(tmp_path / "study.toml").report
    assert settings.smallest_connection and settings.connection_tolerance_kw == 2.0
    assert settings.connection_max_extra_backup_share == 0.02
    (tmp_path / "bad.toml").write_text(text + "\n[report]\nconnection_tolerance_kw = 0.0\n", encoding="utf-8")
    with pytest.raises(InputError, match="connection_tolerance_kw"):
        load_config(tmp_path / "bad.toml")
    with pytest.raises(InputError, match="smallest_connection"):
        replace(ReportSettings(), smallest_connection="yes")
