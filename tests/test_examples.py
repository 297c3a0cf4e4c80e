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
