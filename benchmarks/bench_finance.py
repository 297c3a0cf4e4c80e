"""Benchmark: bills and business cases (plain script; ``python benchmarks/bench_finance.py``).

Targets (issue "Tariffs and the business case"): one variant's business case from hourly
flows (two bills + case) <= 2 ms; 10,000 variants <= 2 s.
"""

from __future__ import annotations

import timeit

import numpy as np
import pandas as pd

from mgwsim.finance import Finance, Option, ReducedVat, batch_cash_flows, batch_metrics, business_case, klimaatfonds_antwerpen, load_cost_table
from mgwsim.tariffs import annual_bill, load_tariff


def _flows(seed: int = 0):
    index = pd.date_range("2023-01-01", periods=8760, freq="h", tz="Europe/Brussels")
    rng = np.random.default_rng(seed)
    reference = pd.DataFrame({"grid_import_kwh": rng.uniform(0, 2, 8760), "grid_export_kwh": np.zeros(8760),
                              "gas_kwh": rng.uniform(0, 60, 8760)}, index=index)
    variant = pd.DataFrame({"grid_import_kwh": rng.uniform(0, 30, 8760),
                            "grid_export_kwh": rng.uniform(0, 3, 8760)}, index=index)
    return reference, variant


def _best_ms(func, number: int) -> float:
    return min(timeit.repeat(func, number=number, repeat=5)) / number * 1e3


def main() -> None:
    lv, gas, costs = load_tariff("lv_fluvius_antwerpen", 2026), load_tariff("gas", 2026), load_cost_table()
    reference_flows, variant_flows = _flows()
    inv_ref = [costs.investment("gas_boiler_condensing", 200)]
    inv_var = [costs.investment("heat_pump_air_water", 120), costs.investment("pv", 30)]
    finance = Finance(n_apartments=20, escalation_frac={"gas": 0.02})
    rules = [ReducedVat(), *klimaatfonds_antwerpen()]

    def one_variant():
        ref = Option.from_bill("ref", inv_ref, annual_bill(reference_flows, [lv, gas]), heat_delivered_mwh_per_year=400)
        var = Option.from_bill("hp", inv_var, annual_bill(variant_flows, lv), heat_delivered_mwh_per_year=400)
        return business_case(var, ref, finance, subsidy_rules=rules)

    one_variant()
    bill_ms = _best_ms(lambda: annual_bill(variant_flows, lv), 50)
    case_ms = _best_ms(one_variant, 50)
    rng = np.random.default_rng(1)
    n = 10_000
    capex = rng.uniform(5e4, 3e5, n)
    savings = {"electricity": -rng.uniform(5e3, 3e4, n), "gas": rng.uniform(1e4, 4e4, n)}
    batch_metrics(batch_cash_flows(capex[:10], {k: v[:10] for k, v in savings.items()}, finance, lifetime_years=20), finance)

    def batch():
        return batch_metrics(batch_cash_flows(capex, savings, finance, lifetime_years=20, maintenance_frac=0.02), finance)

    batch_s = min(timeit.repeat(batch, number=1, repeat=3))
    print(f"annual_bill (LV, hourly year):              {bill_ms:8.3f} ms")
    print(f"business case, one variant from flows:      {case_ms:8.3f} ms   (target <= 2 ms, ratio {case_ms / 2:.2f})")
    print(f"batch metrics, {n} variants:             {batch_s * 1e3:8.1f} ms   (target <= 2000 ms, ratio {batch_s / 2:.3f})")


if __name__ == "__main__":
    main()
