"""The feasibility study: variants of a building, evaluated and compared, with a report."""

from mgwsim.battery import Battery
from mgwsim.study.costs import variant_investments
from mgwsim.study.decision import CRITERIA, ChimneyFreeStep, Criterion, Decision, DecisionRules, Shortfall, decide
from mgwsim.study.evaluate import VariantResult, evaluate_variant
from mgwsim.study.heat_sources import SOURCES, ExhaustAir, GroundLoop, WaterBody
from mgwsim.study.inputs import StudyInputs
from mgwsim.study.search import CONSTRAINTS, OBJECTIVES, MapCache, SearchResult, scale_map, sizing_search
from mgwsim.study.study import RANKINGS, Study, StudyResult
from mgwsim.study.variant import Variant

__all__ = ["CONSTRAINTS", "CRITERIA", "OBJECTIVES", "RANKINGS", "Battery", "ChimneyFreeStep", "Criterion", "Decision",
           "DecisionRules", "ExhaustAir", "GroundLoop", "MapCache", "SOURCES", "SearchResult", "Shortfall", "Study", "StudyInputs", "StudyResult", "Variant",
           "VariantResult", "WaterBody", "decide", "evaluate_variant", "scale_map", "sizing_search", "variant_investments"]
