"""Synthetic building stocks of Flemish apartment buildings, and feasibility shares over a stock.

:func:`generate_stock` draws buildings (TABULA archetype, existing/refurbished state, size,
orientation) whose mix follows ``data/stock/`` (Statbel building-stock counts where they
exist, documented assumptions elsewhere: see ``data/stock/README.md``). Its rows feed
:func:`mgwsim.batch.run_batch` (e.g. with :func:`mgwsim.batch.demand_row`).

:func:`feasibility_summary` turns a batch result (boolean criteria per building and
combination, by default the study's qualification of :mod:`mgwsim.study.decision`) into the
share of buildings per typology × combination that qualify, with the median unprofitable gap;
:func:`feasibility_heatmap` draws it.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from mgwsim._data import data_path
from mgwsim.building.typology import list_typologies, resolve_code
from mgwsim.errors import DataError, InputError, check_integer, check_number

_OWNER = "generate_stock"
SIZE_SIGMA = {"floor_area": 0.30, "area_per_apartment": 0.15}
"""Log-normal spreads (σ of the natural log) of the floor area and of the floor area per apartment."""
STOREY_EXPONENT = 0.5
"""Storeys scale as (A / A_ref)^0.5: half of a size difference is height, half footprint."""
_SIZE_CLASSES = {"MFH.Small": "MFH.{p}.Small", "MFH.Gen": "MFH.{p}", "AB": "AB.{p}"}

TECHNICAL_FLAGS = ("comfort_within_tolerance", "hot_water_within_tolerance", "connection_feasible", "lock_in_pass")
"""The row flags of the study's technical qualification (:mod:`mgwsim.study.decision`): space heating
and hot water within the comfort tolerance, the grid connection feasible, no lock-in check failing."""

DEFAULT_CRITERIA: dict[str, tuple[str, ...]] = {
    "qualifies_technically": TECHNICAL_FLAGS,
    "qualifies": ("qualifies",),
    "qualifies_without_gap": ("qualifies", "no_gap_before_grants"),
    "qualifies_npv_ge_0_with_grants": ("qualifies", "npv_with_subsidy_ge_0"),
}
"""Default criteria of :func:`feasibility_summary`: name → boolean columns that must all be True.

Read from the columns of :func:`mgwsim.batch.city_row` / :func:`mgwsim.batch.variant_row`, which
follow the study's decision (:func:`mgwsim.study.decide`, docs/decision.md):

- ``qualifies_technically``: :data:`TECHNICAL_FLAGS`;
- ``qualifies``: also eligible for the call's grants: what the study could recommend;
- ``qualifies_without_gap``: qualifies and has no unprofitable gap before grants (NPV against the
  reference without any grant and without the study, ``gap_before_grants_eur`` = 0): the jury's
  view, viable without the subsidy;
- ``qualifies_npv_ge_0_with_grants``: qualifies and its NPV with the grants (and the study's cost
  and grant) is not negative: the co-owners' view with the call's grants.

They replace ``technical``, ``feasible`` and ``feasible_with_subsidy`` (zero unmet hours, three
lock-in checks, the NPV with the study cost but without grants), whose meaning changed; those
criteria can still be passed explicitly, e.g. ``{"technical": ("no_unmet_heat", "lock_in_pass")}``.
"""

CRITERIA_TITLES = {
    "qualifies_technically": "qualifies technically (comfort and hot water within tolerance, connection, no lock-in)",
    "qualifies": "qualifies (technically, and eligible for the call's grants)",
    "qualifies_without_gap": "qualifies, and no unprofitable gap before grants",
    "qualifies_npv_ge_0_with_grants": "qualifies, and NPV ≥ 0 with the grants",
}
"""Titles of the default criteria (heat maps of ``mgwsim batch --row city``)."""

MIN_JUDGED = 10
"""Fewer buildings judged than this in a heat-map cell: its share is marked as resting on too few."""
_FADED_LABEL = {"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.7, "linewidth": 0}

FAILURE_CONDITIONS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "site": ("S", "the site lacks what it needs: no heat network here, no extract ventilation", ("site_ready",)),
    "comfort": ("C", "comfort or hot water outside the tolerance", ("comfort_within_tolerance",
                                                                     "hot_water_within_tolerance")),
    "connection": ("G", "the grid connection cannot carry the peak", ("connection_feasible",)),
    "lock_in": ("L", "a lock-in check fails (fossil, temperature, refrigerant)", ("lock_in_pass",)),
    "eligibility": ("E", "not eligible for the call's grants", ()),
    "gap": ("U", "an unprofitable gap before grants", ("no_gap_before_grants",)),
    "npv": ("N", "NPV below zero with the grants", ("npv_with_subsidy_ge_0",)),
}
"""Why a row fails, name → (letter on the heat map, legend, row flags that must all hold).

Read from the flags of :func:`mgwsim.batch.city_row` / :func:`mgwsim.batch.variant_row` (the study's
decision, :func:`mgwsim.study.decision.shortfalls`): ``eligibility`` fails when the row's ``shortfalls``
name an ``eligibility:`` condition (not eligible while the rules require it), or, without ``shortfalls``,
when ``eligible`` is False."""

CRITERIA_CONDITIONS: dict[str, tuple[str, ...]] = {
    "qualifies_technically": ("comfort", "connection", "lock_in"),
    "qualifies": ("site", "comfort", "connection", "lock_in", "eligibility"),
    "qualifies_without_gap": ("site", "comfort", "connection", "lock_in", "eligibility", "gap"),
    "qualifies_npv_ge_0_with_grants": ("site", "comfort", "connection", "lock_in", "eligibility", "npv"),
}
"""The :data:`FAILURE_CONDITIONS` each default criterion consists of (a row passes it when none fails).
``site`` (a heat network outside a heat-network zone, an exhaust-air heat pump without an extract ventilation:
:func:`mgwsim.batch.city_row`) judges where the technique stands, not the technique: a row that lacks its site
can qualify technically, but does not qualify."""


def failing_conditions(results: pd.DataFrame, conditions: Sequence[str] | None = None) -> pd.DataFrame:
    """One boolean column per :data:`FAILURE_CONDITIONS` name: True where the row fails that condition.

    Rows need the conditions' flag columns (and ``shortfalls`` for ``eligibility``); a condition whose
    columns the results lack is left out.
    """
    names = list(FAILURE_CONDITIONS if conditions is None else conditions)
    out = {}
    for name in names:
        if name not in FAILURE_CONDITIONS:
            raise InputError(f"failing_conditions: {name!r} is not one of {', '.join(FAILURE_CONDITIONS)}")
        flags = FAILURE_CONDITIONS[name][2]
        if name == "eligibility":
            if "shortfalls" in results.columns:
                out[name] = results["shortfalls"].fillna("").astype(str).str.contains("eligibility:", regex=False)
            elif "eligible" in results.columns:  # None: no call, nothing to fail
                out[name] = results["eligible"].map(lambda v: v is False or v is np.False_).astype(bool)
        elif set(flags) <= set(results.columns):
            ok = np.logical_and.reduce([results[c].fillna(True).astype(bool).to_numpy() for c in flags])
            out[name] = pd.Series(~ok, index=results.index)
    return pd.DataFrame(out, index=results.index)


def _dominant(failing: pd.DataFrame, passed: pd.Series, groups: pd.DataFrame, by: list, names: Sequence[str],
              index: pd.Index) -> pd.Series:
    """Per group: the condition (of ``names``, in their order on ties) failing in the most rows that fail the
    criterion; "" where every judged row passes or no condition is known."""
    names = [n for n in names if n in failing.columns]
    if not names:
        return pd.Series("", index=index, dtype=object)
    failed_rows = ~passed.to_numpy(dtype=bool)  # ``failing``, ``passed`` and ``groups``: the same rows in order
    keys = [groups[c].iloc[failed_rows] for c in by]
    counts = (failing[names].iloc[failed_rows].astype(np.int64).groupby(keys, sort=True, observed=True).sum()
              .reindex(index, fill_value=0))
    values = counts.to_numpy()
    if values.size == 0:
        return pd.Series("", index=index, dtype=object)
    best = np.asarray(names, dtype=object)[values.argmax(axis=1)]
    return pd.Series(np.where(values.max(axis=1) > 0, best, ""), index=index, dtype=object)


def stock_classes(typology) -> pd.DataFrame:
    """Construction period and size class of TABULA short codes (``"MFH.02.Small"`` → period ``"1946-1970"``,
    size class ``"MFH.Small"``; ``"AB.04"`` → ``"AB"``; other ``"MFH.xx"`` → ``"MFH.Gen"``), the classes of
    ``data/stock/size_class_shares.csv``; periods as the TABULA reference building's years (open ends as
    ``"-1945"`` and ``"2012-"``)."""
    codes = pd.Series(typology, dtype=object)
    unique = pd.unique(codes)
    ref = _reference(list(unique))
    period = {code: _period_label(ref.loc[code, "year_from"], ref.loc[code, "year_to"]) for code in unique}
    size = {code: "MFH.Small" if code.endswith(".Small") else "AB" if code.startswith("AB") else "MFH.Gen"
            for code in unique}
    return pd.DataFrame({"period": codes.map(period).to_numpy(), "size_class": codes.map(size).to_numpy()},
                        index=codes.index)


def _period_label(year_from, year_to) -> str:
    start = "" if not year_from or year_from <= 0 else str(int(year_from))
    end = "" if not year_to or year_to >= 2100 else str(int(year_to))
    return f"{start}-{end}"


DEFAULT_MEDIANS = ("gap_before_grants_eur", "gap_per_t_co2_eur", "works_grants_eur", "npv_eur")
"""Money columns :func:`feasibility_summary` reports the median of (those the results have)."""


def summary_columns() -> list[str]:
    """The result columns :func:`feasibility_summary` reads with its defaults (besides the ``by`` columns): the
    criteria's and the failure conditions' flags, ``shortfalls``, ``eligible``, the medians, ``qualifies`` and
    ``error``; the rest of a result row is not needed for the summaries (``mgwsim batch`` loads only these)."""
    flags = [c for needed in DEFAULT_CRITERIA.values() for c in needed]
    flags += [c for _, _, needed in FAILURE_CONDITIONS.values() for c in needed]
    return list(dict.fromkeys([*flags, "shortfalls", "eligible", *DEFAULT_MEDIANS, "qualifies", "error"]))


# ------------------------------------------------------------------------------ shares
@functools.cache
def _stock_table(name: str) -> pd.DataFrame:
    return pd.read_csv(data_path("stock", name), dtype={"tabula_period": str})


def statbel_reference() -> pd.Series:
    """Statbel 2018 counts of Flemish apartment buildings (the anchor of the period shares)."""
    return _stock_table("statbel_2018_flanders.csv").iloc[0]


def period_shares() -> pd.DataFrame:
    """Shares of apartment buildings per construction period (``data/stock/period_shares.csv``)."""
    return _stock_table("period_shares.csv").copy()


def typology_shares() -> pd.Series:
    """Default share of each TABULA archetype (short code, e.g. ``"MFH.02.Small"``) in the stock.

    Period share (:func:`period_shares`, summed per TABULA period) × size-class share within
    the period (``size_class_shares.csv``). Sums to 1.
    """
    per_period = period_shares().groupby("tabula_period")["share"].sum()
    sizes = _stock_table("size_class_shares.csv")
    codes = [_SIZE_CLASSES[c].format(p=p) for p, c in zip(sizes["tabula_period"], sizes["size_class"], strict=True)]
    shares = pd.Series(sizes["share"].to_numpy() * per_period.loc[sizes["tabula_period"]].to_numpy(), index=codes)
    return shares.rename("share").rename_axis("typology")


def refurbishment_shares() -> pd.DataFrame:
    """Share of buildings per TABULA period in the refurbished state and its TABULA variant."""
    return _stock_table("refurbishment_shares.csv").set_index("tabula_period")


def _checked_shares(shares) -> pd.Series:
    """``shares`` (Mapping or Series typology → share) validated: known codes, ≥ 0, sum 1."""
    series = typology_shares() if shares is None else pd.Series(dict(shares), dtype=float)
    if series.empty or series.isna().any() or (series < 0).any():
        raise InputError(f"{_OWNER}.shares must be non-negative numbers, got {dict(series)}")
    if abs(series.sum() - 1.0) > 1e-6:
        raise InputError(f"{_OWNER}.shares must sum to 1, they sum to {series.sum():.6f}")
    for code in series.index:
        resolve_code(code, 1)
    return series


# ------------------------------------------------------------------------------ stock
def _reference(codes: Sequence[str]) -> pd.DataFrame:
    """TABULA reference building (variant 1) of each short code: area, apartments, storeys, period."""
    listing = list_typologies()
    rows = listing.loc[[resolve_code(code, 1) for code in codes]]
    rows.index = list(codes)
    return rows


def _variants(period: np.ndarray, codes: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """TABULA variant (1 existing, else the refurbished variant) and the state name per building."""
    table = refurbishment_shares()
    share = table.loc[period, "share_refurbished"].to_numpy()
    refurbished = rng.random(period.size) < share
    variant = np.where(refurbished, table.loc[period, "refurbished_variant"].to_numpy(), 1).astype(np.int64)
    for code, var in set(zip(codes[refurbished], variant[refurbished], strict=True)):
        resolve_code(code, int(var))  # raises DataError/InputError if the data asks for a missing variant
    return variant, np.where(refurbished, "refurbished", "existing")


def _sizes(ref: pd.DataFrame, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Floor area, apartments and storeys around each building's TABULA reference."""
    n = len(ref)
    area_ref = ref["floor_area_m2"].to_numpy(dtype=float)
    area = area_ref * np.exp(rng.normal(0.0, SIZE_SIGMA["floor_area"], n))
    per_apartment = area_ref / ref["n_apartments"].to_numpy(dtype=float) * np.exp(
        rng.normal(0.0, SIZE_SIGMA["area_per_apartment"], n))
    storeys = ref["n_storeys"].to_numpy(dtype=float) * (area / area_ref) ** STOREY_EXPONENT
    return {
        "floor_area_m2": np.round(area, 1),
        "n_apartments": np.maximum(1, np.round(area / per_apartment)).astype(np.int64),
        "n_storeys": np.maximum(1, np.round(storeys)).astype(np.int64),
    }


MAX_STOCK_BUILDINGS = 1_000_000
"""Most buildings :func:`generate_stock` draws: with the twelve city combinations 12 million rows,
about 2.4 GB while the table is built (200 bytes a row, measured). mgwsim rule, so that a typo
is refused with a message instead of exhausting the memory; split a larger stock by seed."""


def generate_stock(n_buildings: int, *, seed: int, shares: Mapping[str, float] | pd.Series | None = None) -> pd.DataFrame:
    """A synthetic stock of Flemish apartment buildings, reproducible by ``seed``.

    Parameters
    ----------
    n_buildings : int
        Number of buildings (rows).
    seed : int
        Seed of :func:`numpy.random.default_rng`; same seed and shares, same stock.
    shares : mapping or Series, optional
        Share of each archetype (short TABULA code → share, summing to 1); default
        :func:`typology_shares` (``data/stock/``).

    Returns
    -------
    pandas.DataFrame
        Index ``building_id`` (0 … n-1); columns ``typology`` (short code such as
        ``"MFH.02.Small"``), ``variant`` (TABULA variant: 1 existing, 2 usual refurbishment),
        ``state`` (``"existing"``/``"refurbished"``, shares in ``refurbishment_shares.csv``),
        ``year_built`` (uniform within the archetype's period; 1850 for the open pre-1946
        period), ``floor_area_m2`` [m²] (log-normal, median = TABULA reference, σ =
        ``SIZE_SIGMA["floor_area"]``), ``n_apartments`` (floor area / log-normal area per
        apartment around the reference), ``n_storeys`` (reference × (A/A_ref)^0.5, at least 1)
        and ``orientation_deg`` [°] (uniform on [0, 360), a documented assumption).
        Columns match :func:`mgwsim.batch.demand_row`.
    """
    n = check_integer(n_buildings, "n_buildings", owner=_OWNER, low=0, high=MAX_STOCK_BUILDINGS)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise InputError(f"{_OWNER}.seed must be an int, got {seed!r}")
    series = _checked_shares(shares)
    rng = np.random.default_rng(seed)
    codes = series.index.to_numpy(dtype=object)[rng.choice(len(series), size=n, p=series.to_numpy() / series.sum())]
    ref = _reference(codes)
    period = np.array([code.split(".")[1] for code in codes], dtype=object)
    variant, state = _variants(period, codes, rng)
    year_from = np.where(ref["year_from"].to_numpy() > 0, ref["year_from"].to_numpy(), 1850).astype(np.int64)
    year_to = np.minimum(ref["year_to"].to_numpy(), 2017).astype(np.int64)
    stock = pd.DataFrame({
        "typology": pd.array(codes, dtype="str"),
        "variant": variant,
        "state": pd.array(state, dtype="str"),
        "year_built": rng.integers(year_from, year_to + 1),
        **_sizes(ref, rng),
        "orientation_deg": np.round(rng.uniform(0.0, 360.0, n), 1) % 360.0,
    }, index=pd.RangeIndex(n, name="building_id"))
    return stock


# ------------------------------------------------------------------------------ summary
def _criteria_columns(results: pd.DataFrame, criteria: Mapping[str, Sequence[str]], ok: pd.Series) -> pd.DataFrame:
    """One boolean column per criterion (all its columns True), for rows without error."""
    columns = {c for needed in criteria.values() for c in needed}
    missing = sorted(columns - set(results.columns))
    if missing:
        raise InputError(f"feasibility_summary: results lack the criterion column(s) {missing}")
    flags = {}
    for column in sorted(columns):
        values = results.loc[ok, column]
        if values.isna().any() or not values.isin([True, False]).all():
            bad = values[values.isna() | ~values.isin([True, False])]
            raise DataError(f"feasibility_summary: column {column!r} must be boolean; "
                            f"row {bad.index.tolist()[0]!r} has {bad.iloc[0]!r} ({len(bad)} such rows)")
        flags[column] = values.astype(bool)
    return pd.DataFrame({name: np.logical_and.reduce([flags[c] for c in needed]) if needed else True
                         for name, needed in criteria.items()}, index=results.index[ok])


def feasibility_summary(
    results: pd.DataFrame,
    *,
    by: Sequence[str] = ("typology", "combination"),
    criteria: Mapping[str, Sequence[str]] | None = None,
    error_column: str | None = "error",
    medians: Sequence[str] | None = None,
    over: str | None = "qualifies",
    criteria_conditions: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """Share of buildings per group (typology × combination) that pass each criterion, and the median money.

    Parameters
    ----------
    results : pandas.DataFrame
        One row per building × combination (e.g. a :func:`~mgwsim.batch.run_batch` result
        joined with its inputs), with the ``by`` columns and boolean criterion columns.
    by : sequence of str
        Grouping columns.
    criteria : mapping, optional
        Criterion name → boolean columns that must all be True (e.g. ``{"feasible":
        ("no_unmet_heat", "lock_in_pass", "npv_ge_0")}``); default :data:`DEFAULT_CRITERIA`.
    error_column : str or None
        Rows with a non-null value here (failed runs) are not judged; they are counted in
        ``n_failed`` and left out of the shares' denominators, never silently.
    medians : sequence of str, optional
        Numeric columns to report the median of; default those of :data:`DEFAULT_MEDIANS` that
        ``results`` has (the unprofitable gap before grants and per tonne of CO2 avoided, the
        works grants, the NPV with grants). A column given here must exist.
    over : str or None
        Boolean column selecting the rows the medians are taken over (default ``"qualifies"``:
        the combinations the study could recommend; ignored when ``results`` lacks it and
        ``medians`` is not given); ``None``: every judged row.

    criteria_conditions : mapping, optional
        Criterion name → the :data:`FAILURE_CONDITIONS` it consists of, for the reasons columns;
        default :data:`CRITERIA_CONDITIONS` for the criteria it knows ({} for none).

    Returns
    -------
    pandas.DataFrame
        Index ``by``; columns ``n_buildings`` (all rows), ``n_failed``, ``n_judged``,
        ``share_<criterion>`` [-] (fraction of judged rows; NaN if none was judged),
        ``share_fails_<condition>`` [-] (fraction of judged rows failing each of
        :data:`FAILURE_CONDITIONS` the results can tell), ``dominant_failure_<criterion>``
        (the condition failing in the most judged rows that fail the criterion, "" where none
        fails: the cell's main reason) and
        ``median_<column>`` (over the judged rows where ``over`` holds; NaN where none, and
        a NaN value, such as a gap per tonne without CO2 avoided, is left out).
    """
    criteria = dict(DEFAULT_CRITERIA if criteria is None else criteria)
    by = list(by)
    absent = [c for c in by + ([error_column] if error_column else []) if c not in results.columns]
    if absent or not by or not criteria:
        raise InputError(f"feasibility_summary: needs the by columns {by} and criteria; missing columns {absent}")
    ok = results[error_column].isna() if error_column else pd.Series(True, index=results.index)
    judged_rows = ok.to_numpy(dtype=bool)
    passed = _criteria_columns(results, criteria, ok)
    groups = results[by]
    counts = groups.assign(n_failed=~ok).groupby(by, sort=True, observed=True)
    summary = pd.DataFrame({"n_buildings": counts.size(), "n_failed": counts["n_failed"].sum().astype(np.int64)})
    judged_groups = groups.iloc[judged_rows]  # the judged rows, in the order of ``passed``
    keys = [judged_groups[c] for c in by]
    judged = passed.groupby(keys, sort=True, observed=True)
    summary["n_judged"] = judged.size().reindex(summary.index, fill_value=0).astype(np.int64)
    for name in criteria:
        summary[f"share_{name}"] = judged[name].mean().reindex(summary.index)
    if criteria_conditions is None:
        criteria_conditions = {name: CRITERIA_CONDITIONS[name] for name in criteria if name in CRITERIA_CONDITIONS}
    failing = (failing_conditions(results).iloc[judged_rows] if criteria_conditions
               else pd.DataFrame(index=results.index[judged_rows]))
    for name in failing.columns:
        summary[f"share_fails_{name}"] = failing[name].groupby(keys, sort=True, observed=True).mean().reindex(
            summary.index)
    for name, names in criteria_conditions.items():
        summary[f"dominant_failure_{name}"] = _dominant(failing, passed[name], judged_groups, by, names, summary.index)
    columns, rows = _median_columns(results, medians, over, ok)
    if columns:
        selected = rows.to_numpy(dtype=bool)
        values = results[by].iloc[selected].assign(**{c: results[c].iloc[selected].astype(float) for c in columns})
        middle = values.groupby(by, sort=True, observed=True)[columns].median()
        for column in columns:
            summary[f"median_{column}"] = middle[column].reindex(summary.index)
    return summary


def _median_columns(results: pd.DataFrame, medians, over, ok: pd.Series) -> tuple[list[str], pd.Series]:
    """The columns :func:`feasibility_summary` takes the median of, and the rows it takes it over."""
    if medians is None:
        columns = [c for c in DEFAULT_MEDIANS if c in results.columns]
        if over is not None and over not in results.columns:
            return [], ok
    else:
        columns = list(medians)
        missing = [c for c in columns + ([over] if over else []) if c not in results.columns]
        if missing:
            raise InputError(f"feasibility_summary: results lack the median column(s) {missing}")
    if not columns or over is None:
        return columns, ok
    selected = results.loc[ok, over]
    if selected.isna().any() or not selected.isin([True, False]).all():
        raise DataError(f"feasibility_summary: column {over!r} (over) must be boolean")
    return columns, ok & results[over].where(ok, False).astype(bool)


def feasibility_heatmap(summary: pd.DataFrame, ax=None, *, column: str = "share_qualifies",
                        min_judged: int = MIN_JUDGED, reasons: str | None = None):
    """Heat map of ``summary[column]`` (rows: first index level, columns: second), each cell annotated with the
    buildings that pass out of those judged (``k/n``, so that no share stands without its count), the share,
    and, where some fail, the letter of the dominant failing condition (:data:`FAILURE_CONDITIONS`, legend
    under the map); a cell with fewer than ``min_judged`` is hatched and its share greyed, and the x label
    says so.

    ``reasons``: the summary column naming each cell's dominant failing condition; default
    ``dominant_failure_<criterion>`` for ``column = "share_<criterion>"`` when the summary has it
    (:func:`feasibility_summary`); "" for none.

    Returns the matplotlib ``Axes``.
    """
    import matplotlib.pyplot as plt

    check_number(min_judged, "min_judged", owner="feasibility_heatmap", low=1)
    if summary.index.nlevels != 2 or not {column, "n_judged"} <= set(summary.columns):
        raise InputError(f"feasibility_heatmap: needs a summary indexed by two levels with columns {column!r} and "
                         "'n_judged' (feasibility_summary)")
    if reasons is None:
        default = "dominant_failure_" + column.removeprefix("share_")
        reasons = default if default in summary.columns else ""
    elif reasons and reasons not in summary.columns:
        raise InputError(f"feasibility_heatmap: the summary has no reasons column {reasons!r}")
    level = summary.index.names[1]
    grid, counts = summary[column].unstack(level), summary["n_judged"].unstack(level).fillna(0).astype(int)
    why = (summary[reasons].unstack(level).reindex(index=grid.index, columns=grid.columns).fillna("")
           if reasons else pd.DataFrame("", index=grid.index, columns=grid.columns))
    ax = ax or plt.subplots(figsize=(1.2 * grid.shape[1] + 3, 0.6 * grid.shape[0] + 1.5), layout="constrained")[1]
    image = ax.imshow(grid.to_numpy(dtype=float), vmin=0.0, vmax=1.0, cmap="RdYlGn", aspect="auto")
    ax.set_xticks(range(grid.shape[1]), [str(c) for c in grid.columns], rotation=30, ha="right")
    ax.set_yticks(range(grid.shape[0]), [str(r) for r in grid.index])
    few, used = _annotate_cells(ax, grid.to_numpy(dtype=float), counts.to_numpy(), why.to_numpy(dtype=object),
                                min_judged)
    ax.figure.colorbar(image, ax=ax, label=column.replace("_", " "))
    notes = [f"(hatched: fewer than {min_judged} buildings judged)"] if few else []
    if used:
        notes.append("cells: passing/judged, share, main reason: " + ", ".join(
            f"{FAILURE_CONDITIONS[name][0]} {FAILURE_CONDITIONS[name][1]}" for name in FAILURE_CONDITIONS if name in used))
    ax.set_xlabel("\n".join([grid.columns.name or "", *notes]))
    ax.set_ylabel(grid.index.name or "")
    return ax


def _annotate_cells(ax, shares: np.ndarray, counts: np.ndarray, reasons: np.ndarray, min_judged: int
                    ) -> tuple[bool, set]:
    """``k/n``, the share and the dominant reason's letter in every cell; cells judged on fewer than
    ``min_judged`` buildings hatched. Returns (any hatched, the reasons shown)."""
    from matplotlib.patches import Rectangle

    few, used = False, set()
    for (i, j), value in np.ndenumerate(shares):
        n = int(counts[i, j])
        passing = "" if np.isnan(value) else f"{round(value * n)}/{n}"
        reason = str(reasons[i, j] or "")
        letter = FAILURE_CONDITIONS[reason][0] if reason in FAILURE_CONDITIONS else ""
        if letter:
            used.add(reason)
        share = "–" if np.isnan(value) else _share_text(value)
        text = f"{passing or f'n={n}'}\n{share}{' ' + letter if letter else ''}"
        if 0 < n < min_judged:
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="///", edgecolor="0.35", linewidth=0))
            ax.text(j, i, text, ha="center", va="center", fontsize=7, color="0.35", bbox=_FADED_LABEL)
            few = True
        else:
            ax.text(j, i, text, ha="center", va="center", fontsize=7)
    return few, used


def _share_text(value: float) -> str:
    """A share as a whole percentage, with the decimals it needs (up to two) never to read 100 % when one
    building fails or 0 % when one passes (447/448: ``99.8%``)."""
    decimals = 0
    while decimals < 2 and ((value < 1.0 and round(100.0 * value, decimals) >= 100.0)
                            or (value > 0.0 and round(100.0 * value, decimals) == 0.0)):
        decimals += 1
    return f"{100.0 * value:.{decimals}f}%"
