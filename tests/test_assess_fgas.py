"""Refrigerant check against Regulation (EU) 2024/573 Annex IV (mgwsim.assess.fgas).

Test ids name the Annex IV rule (construction, size, GWP limit, date). The Annex IV point
numbers are not verified (data/refrigerants/README.md), so the ids cite the rule, not the point.
"""

from __future__ import annotations

import pytest

from mgwsim.assess import is_natural, load_fgas_rules, load_refrigerants, refrigerant_check
from mgwsim.errors import InputError


def _status(refrigerant, kind, kw, install, horizon=2050, **kw_args):
    return refrigerant_check(refrigerant, kind, kw, install_year=install, horizon_year=horizon, **kw_args).status


@pytest.mark.parametrize("refrigerant", ["R290", "R744", "R717", "R600a", "r-290"])
def test_natural_refrigerants_pass(refrigerant):
    for kind, kw in [("monobloc", 8.0), ("split", 8.0), ("self_contained", 200.0)]:
        result = refrigerant_check(refrigerant, kind, kw, install_year=2040, horizon_year=2060)
        assert result.status == "pass" and "natural" in result.sentence
    assert is_natural(refrigerant)


CASES = [
    # (id, refrigerant, construction, kW, application, install, expected)
    ("AnnexIV-selfcontained-le12kW-GWP150-2027-before", "R32", "monobloc", 10, "air_to_water", 2026, "warn"),
    ("AnnexIV-selfcontained-le12kW-GWP150-2027-at", "R32", "monobloc", 10, "air_to_water", 2027, "fail"),
    ("AnnexIV-selfcontained-12to50kW-GWP150-2027-before", "R32", "monobloc", 30, "air_to_water", 2026, "warn"),
    ("AnnexIV-selfcontained-12to50kW-GWP150-2027-at", "R410A", "monobloc", 50, "air_to_water", 2027, "fail"),
    ("AnnexIV-selfcontained-gt50kW-GWP150-2030-before", "R32", "monobloc", 80, "air_to_water", 2029, "warn"),
    ("AnnexIV-selfcontained-gt50kW-GWP150-2030-at", "R32", "monobloc", 80, "air_to_water", 2030, "fail"),
    ("AnnexIV-selfcontained-le12kW-allFgas-2032-before", "R1234ze(E)", "monobloc", 10, "air_to_water", 2031, "warn"),
    ("AnnexIV-selfcontained-le12kW-allFgas-2032-at", "R1234ze(E)", "monobloc", 10, "air_to_water", 2032, "fail"),
    ("AnnexIV-selfcontained-gt12kW-lowGWP-no-ban", "R1234ze(E)", "monobloc", 60, "air_to_water", 2035, "pass"),
    ("AnnexIV-split-airwater-le12kW-GWP150-2027-before", "R32", "split", 10, "air_to_water", 2026, "warn"),
    ("AnnexIV-split-airwater-le12kW-GWP150-2027-at", "R32", "split", 10, "air_to_water", 2027, "fail"),
    ("AnnexIV-split-airair-le12kW-GWP150-2029-before", "R32", "split", 10, "air_to_air", 2028, "warn"),
    ("AnnexIV-split-airair-le12kW-GWP150-2029-at", "R32", "split", 10, "air_to_air", 2029, "fail"),
    ("AnnexIV-split-le12kW-allFgas-2035-before", "R1234ze(E)", "split", 10, "air_to_water", 2034, "warn"),
    ("AnnexIV-split-le12kW-allFgas-2035-at", "R1234ze(E)", "split", 10, "air_to_water", 2035, "fail"),
    ("AnnexIV-split-gt12kW-GWP750-2029-before", "R410A", "split", 20, "air_to_water", 2028, "warn"),
    ("AnnexIV-split-gt12kW-GWP750-2029-at", "R410A", "split", 20, "air_to_water", 2029, "fail"),
    ("AnnexIV-split-gt12kW-GWP150-2033-at", "R454B", "split", 40, "air_to_water", 2033, "fail"),
    ("AnnexIV-split-gt12kW-GWP150-2033-before", "R454B", "split", 40, "air_to_water", 2032, "warn"),
]


@pytest.mark.parametrize(("refrigerant", "kind", "kw", "application", "install", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_regulation_dates(refrigerant, kind, kw, application, install, expected):
    assert _status(refrigerant, kind, kw, install, application=application) == expected


def test_warn_only_when_the_ban_falls_within_the_horizon():
    # R32 monobloc 80 kW: ban from 2030 (Annex IV, self-contained > 50 kW, GWP >= 150)
    assert _status("R32", "monobloc", 80, 2025, horizon=2029) == "pass"
    assert _status("R32", "monobloc", 80, 2025, horizon=2030) == "warn"


def test_capacity_boundaries_are_up_to_and_including():
    # 12 kW belongs to "up to and including 12 kW"; 12.1 kW to "above 12 kW"
    assert _status("R1234ze(E)", "monobloc", 12.0, 2032) == "fail"
    assert _status("R1234ze(E)", "monobloc", 12.1, 2032) == "pass"


def test_gwp_basis_is_ar4_as_in_annex_i_with_ar6_as_sensitivity():
    # Annex I of Regulation (EU) 2024/573 lists HFC-32 at 675 (AR4). R454C: AR4 148 (< 150), AR6 166 (>= 150);
    # a self-contained 30 kW unit has no all-F-gas ban, so the legal (AR4) verdict passes.
    ar4 = refrigerant_check("R454C", "monobloc", 30, install_year=2030, horizon_year=2045)
    ar6 = refrigerant_check("R454C", "monobloc", 30, install_year=2030, horizon_year=2045, gwp_basis="ar6")
    assert ar4.status == "pass" and ar4.value == 148
    assert ar6.status == "fail" and ar6.value == 166


def test_safety_exception_raises_the_limit_to_750():
    assert _status("R454B", "monobloc", 10, 2028) == "fail"
    assert _status("R454B", "monobloc", 10, 2028, horizon=2031, safety_exception=True) == "pass"
    # R32: 675 (AR4) < 750, so the safety exception admits it
    assert _status("R32", "monobloc", 10, 2028, horizon=2031, safety_exception=True) == "pass"


def test_result_fields():
    result = refrigerant_check("R32", "split", 10, install_year=2027, horizon_year=2045)
    assert result.name == "refrigerant" and result.unit == "GWP (AR4)"
    assert result.value == 675 and result.threshold == 150
    assert "2027" in result.sentence and "2024/573" in result.sentence and result.sentence_nl


def test_gwp_table_matches_facts_and_blend_arithmetic():
    table = load_refrigerants()
    facts = {"R32": 675, "R410A": 2088, "R454C": 148, "R1234ze(E)": 7, "R290": 3, "R744": 1}  # AR4 values as Regulation (EU) 2024/573 uses them
    for name, gwp in facts.items():
        assert table.loc[name, "gwp_ar4"] == gwp
    for basis in ("gwp_ar4", "gwp_ar6"):
        for name, row in table.iterrows():
            parts = dict(p.split(":") for p in row["composition"].split(";"))
            if len(parts) > 1:  # blend GWP = mass-weighted mean of its components
                mean = sum(float(f) * table.loc[c, basis] for c, f in parts.items())
                assert abs(row[basis] - mean) <= 0.5, (name, basis)


def test_rule_table_is_consistent():
    rules = load_fgas_rules()
    assert (rules["capacity_up_to_kw"] > rules["capacity_above_kw"]).all()
    assert set(rules["from_year"]) <= {2027, 2029, 2030, 2032, 2033, 2035}
    assert (rules["annex_iv_point"] == "unverified").all()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"refrigerant": "R22b"}, "refrigerant = 'R22b' is unknown"),
        ({"equipment_type": "vrf"}, "equipment_type"),
        ({"capacity_kw": 0.0}, "capacity_kw"),
        ({"install_year": 2030, "horizon_year": 2029}, "horizon_year"),
        ({"application": "air_to_rock"}, "application"),
        ({"gwp_basis": "ar5"}, "gwp_basis"),
    ],
)
def test_bad_inputs_raise(args, message):
    call = {"refrigerant": "R32", "equipment_type": "split", "capacity_kw": 10.0, "install_year": 2026, "horizon_year": 2040} | args
    with pytest.raises(InputError, match=message):
        refrigerant_check(call.pop("refrigerant"), call.pop("equipment_type"), call.pop("capacity_kw"), **call)
