"""Run the feasibility study of a TOML configuration and write its report.

    python examples/feasibility_study.py examples/antwerp_1960s.toml out/ [nl]
"""

from __future__ import annotations

import sys
from pathlib import Path

from mgwsim.config import load_study


def main(config: str, out: str, language: str = "en") -> None:
    result = load_study(config).run(progress=print)
    paths = result.report(Path(out), language=language)
    columns = ["investment_eur", "npv_eur", "gap_before_grants_eur", "gap_per_t_co2_eur", "co2_reduction", "epc_label"]
    print(result.table[columns].round(2).to_string())
    print(result.decision.to_frame(language)[["rank", "qualifies", "shortfalls"]].to_string())
    print(f"recommended: {result.recommended or 'none'} — {result.decision.reason(language)}")
    print(f"report: {paths.html}, workbook: {paths.workbook}")


if __name__ == "__main__":
    main(*sys.argv[1:])
