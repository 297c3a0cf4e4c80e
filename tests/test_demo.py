"""``make demo``: the full example study with its report and workbook, through the CLI."""

from __future__ import annotations

import pandas as pd

from mgwsim.cli import main


def test_demo_writes_the_study_report_and_workbook(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    table = pd.read_csv(tmp_path / "table.csv", index_col=0)
    assert len(table) >= 7  # the reference and at least six variants
    assert {"npv_eur", "irr", "payback_years", "lcoh_eur_per_mwh", "subsidy_gap_eur", "gap_before_grants_eur",
            "gap_per_t_co2_eur", "co2_reduction", "epc_label", "future_proof_score"} <= set(table.columns)
    assert (tmp_path / "report.html").stat().st_size > 100_000
    assert (tmp_path / "workbook.xlsx").stat().st_size > 10_000
    path = pd.read_csv(tmp_path / "renovation_path.csv")
    assert set(path["variant"]) == set(table.index)
    assert "recommended:" in printed and str(tmp_path / "report.html") in printed
    assert (tmp_path / "nl" / "report.html").stat().st_size > 100_000  # the same report in Dutch
    decision = pd.read_csv(tmp_path / "decision.csv", index_col=0)
    assert set(decision.index) == set(table.index) - {"gas boiler (reference)"}
    recommended = printed.split("recommended: ")[1].splitlines()[0]
    assert decision.index[0] == recommended and decision.loc[recommended, "rank"] == 1
    # the smallest grid connection (issue 18): searched once, in both reports, in a table and on stdout
    connection = pd.read_csv(tmp_path / "smallest_connection.csv", index_col=0)
    assert recommended in connection.index and "all-electric + PV" in connection.index
    found = connection["smallest_kva"].notna()
    assert (connection.loc[found, "smallest_kva"] <= connection.loc[found, "unlimited_kva"]).all()
    for folder in (tmp_path, tmp_path / "nl"):
        assert 'id="connection-table"' in (folder / "report.html").read_text(encoding="utf-8")
    kva = connection.loc[recommended, "smallest_kva"]
    assert f"smallest grid connection of '{recommended}': {kva:.0f} kVA" in printed
