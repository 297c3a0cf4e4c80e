"""The scripts in examples/ run (on small settings) and say what they should."""

from __future__ import annotations

import runpy
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_heat_pump_cop_example_orders_the_rating_points():
    table = runpy.run_path(str(EXAMPLES / "heat_pump_cop.py"))["cop_table"](("R290", "R32"))
    assert list(table.index) == ["R290", "R32"]
    for refrigerant in table.index:  # colder source and hotter sink never raise the COP
        row = table.loc[refrigerant]
        assert row["COP A7/W35"] > row["COP A2/W35"] > row["COP A-7/W35"] > row["COP A-7/W55"]
        assert row["kW A7/W35"] == 60.0  # rated at A7/W35


def test_feasibility_study_example_writes_the_report(tmp_path, capsys):
    main = runpy.run_path(str(EXAMPLES / "feasibility_study.py"))["main"]
    main(str(EXAMPLES / "antwerp_1930s.toml"), str(tmp_path))
    printed = capsys.readouterr().out
    assert (tmp_path / "report.html").exists() and (tmp_path / "workbook.xlsx").exists()
    assert "recommended:" in printed


def test_certified_example_puts_each_variants_placement_checks_on_the_first_page_of_risks():
    """One certified product as air, air hybrid, exhaust air, and a brine product on the ground: every variant's
    placement checks that do not pass are among the points of attention of page one (verdict_items), and the
    product's refrigerant reaches the F-gas check."""
    from mgwsim.assess.placement import PLACEMENT_CHECKS
    from mgwsim.config import load_study
    from mgwsim.report.summary import verdict_items

    study = load_study(EXAMPLES / "antwerp_1960s_certified.toml")
    result = study.run(progress=False)
    labels_shown = {}
    for variant in study.variants:
        checks = {c.name: c for c in result.result(variant.name).checks}
        assert {"refrigerant_charge", "outdoor_noise", "unit_space"} <= set(checks)
        _, items = verdict_items(result, variant.name, "en")
        shown = {sentence for _, _, sentence in items}
        for name in PLACEMENT_CHECKS:
            if name in checks and checks[name].status != "pass":
                assert checks[name].sentence in shown, (variant.name, name)
        labels_shown[variant.name] = {label for label, _, _ in items}
        fgas = checks["refrigerant_lock_in"].sentence
        assert ("R410A" if variant.name == "ground" else "R32") in fgas
    # what the example shows (2026-12-07): the outdoor units' noise on the roof, the R32 charge of the indoor
    # exhaust-air unit (EN 378-1) and the borefield's permit
    assert "Outdoor-unit noise (VLAREM II)" in labels_shown["air"] & labels_shown["air hybrid"]
    assert "Refrigerant charge (EN 378-1)" in labels_shown["exhaust air"]
    assert "Heat source" in labels_shown["ground"] & labels_shown["exhaust air"]
