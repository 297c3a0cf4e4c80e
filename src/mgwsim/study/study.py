"""A feasibility study: a building, a reference, variants → comparison table, ranking, report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import pandas as pd

from mgwsim.assess import PathAssessment, PathContext, evaluate_path, future_proof_score
from mgwsim.errors import InputError, check_choice
from mgwsim.finance import BusinessCase, business_case, co_owner_split
from mgwsim.study.evaluate import VariantResult, evaluate_variant
from mgwsim.study.inputs import StudyInputs
from mgwsim.study.variant import Variant

RANKINGS = ("npv", "subsidy_gap", "future_proof", "weighted")


def variant_business_case(inputs: StudyInputs, result: VariantResult, reference: VariantResult) -> BusinessCase:
    """The business case of a variant against the reference; the variant pays for the feasibility study."""
    variant = replace(result.option, study_cost_incl_vat_eur=inputs.study_cost_incl_vat_eur)
    return business_case(variant, reference.option, inputs.finance, subsidy_rules=inputs.subsidies,
                         building_age_years=inputs.building_age_years)


@dataclass(frozen=True, eq=False)
class Study:
    """The study of one building.

    Parameters
    ----------
    inputs : StudyInputs
        Building, weather, prices, tariffs, finance, subsidies.
    reference : Variant
        What the co-owners would do anyway (replace the gas boiler).
    variants : sequence of Variant
        The combinations of techniques considered.
    """

    inputs: StudyInputs
    reference: Variant
    variants: tuple[Variant, ...]

    def __post_init__(self):
        object.__setattr__(self, "variants", tuple(self.variants))
        if not self.variants:
            raise InputError("Study.variants is empty: give at least one variant to compare with the reference")
        names = [v.name for v in (self.reference, *self.variants)]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise InputError(f"Study: variant names must be unique, repeated: {', '.join(duplicates)}")

    def run(self, progress: Callable[[str], None] | None = None) -> StudyResult:
        """Simulate and assess the reference and every variant.

        ``progress`` (e.g. ``print``) is called with one line per variant as the study goes.
        """
        tell = progress or (lambda message: None)
        evaluated = []
        for variant in (self.reference, *self.variants):
            tell(f"simulating {variant.name}")
            evaluated.append(evaluate_variant(self.inputs, variant))
        reference, results = evaluated[0], evaluated[1:]
        cases = [variant_business_case(self.inputs, result, reference) for result in results]
        paths = {}
        if self.inputs.renovation_path:
            for variant in (self.reference, *self.variants):
                tell(f"renovation path of {variant.name}")
                paths[variant.name] = self._path(variant)
        return StudyResult(self, reference, results, cases, paths)

    def _path(self, variant: Variant) -> PathAssessment:
        """The variant's plant judged before and after each renovation step (heat-led operation)."""
        inputs = self.inputs
        context = PathContext(pv_kwp=variant.pv_kwp, existing_connection_kva=inputs.existing_connection_kva,
                              other_peak_kw=float(inputs.common_area_kw.max()),
                              in_heat_network_zone=inputs.in_planned_heat_network_zone,
                              plant_room_area_m2=inputs.plant_room_area_m2, co2_year=inputs.co2_year)
        return evaluate_path(inputs.building, inputs.renovation_path, variant.plant, inputs.weather,
                             radiators=inputs.existing_radiators, install_year=inputs.install_year,
                             horizon_year=inputs.install_year + inputs.finance.horizon_years, context=context,
                             demands=inputs.path_demands)


@dataclass(frozen=True, eq=False)
class StudyResult:
    """Results of a study: one row per variant, rankings, per-apartment view."""

    study: Study
    reference: VariantResult
    results: list[VariantResult]
    cases: list[BusinessCase]
    paths: dict[str, PathAssessment]

    @property
    def inputs(self) -> StudyInputs:
        return self.study.inputs

    def result(self, name: str) -> VariantResult:
        for result in (self.reference, *self.results):
            if result.variant.name == name:
                return result
        raise InputError(f"StudyResult: no variant named {name!r}")

    def case(self, name: str) -> BusinessCase:
        for result, case in zip(self.results, self.cases, strict=True):
            if result.variant.name == name:
                return case
        raise InputError(f"StudyResult: no business case for {name!r} (the reference has none)")

    def _money(self, result: VariantResult, case: BusinessCase | None) -> dict:
        capex = sum(item.capex_eur for item in result.investments)
        annual_energy = sum(result.energy_cost_eur.values())
        money = {"investment_eur": capex, "annual_energy_cost_eur": annual_energy}
        if case is not None:
            money |= {
                "subsidies_eur": case.subsidies.total_eur,
                "npv_eur": case.npv_eur,
                "irr": case.irr_frac if case.irr_frac is not None else np.nan,
                "payback_years": case.payback_years if case.payback_years is not None else np.nan,
                "discounted_payback_years": (case.discounted_payback_years
                                             if case.discounted_payback_years is not None else np.nan),
                "lcoh_eur_per_mwh": case.lcoh_variant_eur_per_mwh if case.lcoh_variant_eur_per_mwh is not None else np.nan,
                "subsidy_gap_eur": case.subsidy_gap_eur,
                "co2_abatement_eur_per_t": (case.co2_abatement_eur_per_t
                                            if case.co2_abatement_eur_per_t is not None else np.nan),
                "annual_cost_per_apartment_eur": case.annual_cost_per_apartment_variant_eur,
            }
        else:
            money["annual_cost_per_apartment_eur"] = (
                self.cases[0].annual_cost_per_apartment_reference_eur if self.cases else np.nan)
            money["lcoh_eur_per_mwh"] = (self.cases[0].lcoh_reference_eur_per_mwh
                                         if self.cases and self.cases[0].lcoh_reference_eur_per_mwh is not None else np.nan)
        return money

    @cached_property
    def table(self) -> pd.DataFrame:
        """The comparison: one row per variant (reference first) with energy, money, CO2, EPC and checks."""
        rows = {}
        reference_co2 = self.reference.co2_kg
        for result, case in ((self.reference, None), *zip(self.results, self.cases, strict=True)):
            row = result.energy_kpis().to_dict()
            row["co2_reduction"] = 1.0 - result.co2_kg / reference_co2 if reference_co2 > 0 else np.nan
            row |= self._money(result, case)
            row["future_proof_score"] = self.future_proof_score(result.variant.name)
            for check in result.checks:
                row[f"check_{check.name}"] = check.status
            rows[result.variant.name] = row
        return pd.DataFrame.from_dict(rows, orient="index")

    def future_proof_score(self, name: str) -> float:
        """Future-proof score [0–100]: the weaker of today's checks and the renovation path's end state."""
        score = future_proof_score(self.result(name).checks)
        if name in self.paths:
            score = min(score, future_proof_score(self.paths[name]))
        return score

    def path_table(self) -> pd.DataFrame:
        """Per variant and renovation step: EPC indicator and label, CO2 and its reduction, check statuses."""
        frames = []
        for name, assessment in self.paths.items():
            kpis = assessment.kpis if assessment.kpis.index.name == "step" else assessment.kpis.set_index("step")
            statuses = assessment.summary()
            frame = kpis.join(statuses)
            frame.insert(0, "variant", name)
            frames.append(frame.reset_index())
        if not frames:
            return pd.DataFrame()
        table = pd.concat(frames, ignore_index=True)
        reference = table[table["variant"] == self.reference.variant.name].set_index("step")["co2_kg"]
        table["co2_reduction"] = 1.0 - table["co2_kg"] / table["step"].map(reference)
        return table

    def ranking(self, by: str = "npv", *, weights: dict | None = None) -> pd.DataFrame:
        """Variants ranked by NPV, subsidy gap (smallest first), future-proof score or a weighted score.

        The weighted score normalises NPV, future-proof score and CO2 reduction to [0, 1] over
        the variants and combines them with ``weights`` (default 0.4 / 0.4 / 0.2).
        """
        check_choice(by, "by", RANKINGS, owner="StudyResult.ranking")
        table = self.table.drop(index=self.reference.variant.name)
        if by == "npv":
            order = table["npv_eur"].sort_values(ascending=False)
        elif by == "subsidy_gap":
            order = table["subsidy_gap_eur"].sort_values()
        elif by == "future_proof":
            order = table["future_proof_score"].sort_values(ascending=False)
        else:
            weights = weights or {"npv_eur": 0.4, "future_proof_score": 0.4, "co2_reduction": 0.2}
            score = sum(w * _normalise(table[column]) for column, w in weights.items())
            order = score.sort_values(ascending=False).rename("weighted_score")
        ranked = table.loc[order.index, ["npv_eur", "subsidy_gap_eur", "future_proof_score", "co2_reduction"]]
        if by == "weighted":
            ranked.insert(0, "weighted_score", order)
        ranked.insert(0, "rank", np.arange(1, len(ranked) + 1))
        return ranked

    CRITICAL_CHECKS = ("check_fossil_lock_in", "check_temperature_lock_in", "check_hot_water_hygiene")

    @property
    def future_proof_candidates(self) -> list[str]:
        """Variants with no unmet heat and no failed critical lock-in check (fossil, temperature, hygiene)."""
        table = self.table.drop(index=self.reference.variant.name)
        ok = table["unmet_hours"] == 0
        for column in self.CRITICAL_CHECKS:
            if column in table:
                ok &= table[column].fillna("pass") != "fail"
        return list(table.index[ok])

    @property
    def recommended(self) -> str:
        """The best-NPV variant among the future-proof candidates; else the best weighted score."""
        candidates = self.future_proof_candidates
        if candidates:
            return str(self.table.loc[candidates, "npv_eur"].idxmax())
        return str(self.ranking("weighted").index[0])

    @property
    def recommendation_reason(self) -> str:
        """One sentence on why :attr:`recommended` was chosen."""
        candidates = self.future_proof_candidates
        name = self.recommended
        if not candidates:
            return (f"No variant avoids every critical lock-in; '{name}' has the best weighted score of NPV, "
                    "future-proof score and CO2 reduction.")
        if len(candidates) == 1:
            return (f"'{name}' is the only variant that heats the building without unmet hours and without a "
                    "fossil, temperature or hot-water lock-in.")
        return (f"Of the {len(candidates)} variants without unmet heat and without a fossil, temperature or hot-water "
                f"lock-in, '{name}' has the best net present value.")

    def report(self, out_dir, **kwargs):
        """Write the HTML report and Excel workbook (:func:`mgwsim.report.write_report`)."""
        from mgwsim.report import write_report

        return write_report(self, out_dir, **kwargs)

    def per_apartment(self, name: str, *, floor_areas_m2=None) -> pd.DataFrame:
        """Costs and savings per apartment for one variant (split by floor area; equal areas by default)."""
        n = self.inputs.building.n_apartments
        areas = np.full(n, self.inputs.building.heated_floor_area_m2 / n) if floor_areas_m2 is None else floor_areas_m2
        return co_owner_split(self.case(name), floor_area_m2=areas)

    def _repr_html_(self) -> str:
        columns = ["investment_eur", "subsidies_eur", "annual_energy_cost_eur", "npv_eur", "payback_years",
                   "subsidy_gap_eur", "spf_h2", "backup_share", "co2_reduction", "epc_kwh_m2", "epc_label",
                   "future_proof_score"]
        shown = self.table[[c for c in columns if c in self.table]]
        title = f"<h4>mgwsim study: {self.inputs.building.name} — recommended: {self.recommended}</h4>"
        return title + shown.to_html(float_format=lambda v: f"{v:,.2f}", na_rep="–")


def _normalise(values: pd.Series) -> pd.Series:
    values = values.astype(float).fillna(values.min())
    span = values.max() - values.min()
    return (values - values.min()) / span if span > 0 else pd.Series(1.0, index=values.index)


