"""The report's figures render with a readable layout: the same rows on every panel, legends clear of the
data, every label inside the canvas, months on the carpets, counts in the batch heat map."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from mgwsim.report import figures as fg
from mgwsim.report.analysis import available_capacity_kw

FLOOR_AREAS_M2 = (65.0,) * 12 + (80.0,) * 8 + (95.0,) * 4
"""Three apartment sizes: the bill change differs by size, so the per-apartment chart has three bars."""


@pytest.fixture(scope="module")
def result(weather):
    """The example block with three apartment sizes: the gas reference, heat pumps + boiler and + PV."""
    from mgwsim.examples import ANTWERPEN, antwerp_block, antwerp_variants
    from mgwsim.study import Study, StudyInputs
    from mgwsim.weather import Weather

    reference, variants = antwerp_variants()
    chosen = [v for v in variants if v.name in ("heat pumps + boiler", "+ PV")]
    inputs = StudyInputs(antwerp_block(), Weather(weather.data, ANTWERPEN, weather.source),
                         apartment_floor_areas_m2=FLOOR_AREAS_M2)
    return Study(inputs, reference, chosen).run()


def rendered(fig: Figure):
    """Draw ``fig`` (constrained layout done) and return its renderer."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


def undrawn_tick_labels(fig: Figure) -> set[int]:
    """Ids of the labels of ticks outside their axis' view (matplotlib keeps but does not draw them)."""
    undrawn = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            slack = 1e-9 * max(high - low, 1.0)
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not low - slack <= tick.get_loc() <= high + slack:
                    undrawn |= {id(tick.label1), id(tick.label2)}
    return undrawn


def visible_texts(fig: Figure) -> list[Text]:
    """The texts drawn on ``fig`` (call after drawing it)."""
    undrawn = undrawn_tick_labels(fig)
    return [a for a in fig.findobj(Text) if a.get_visible() and a.get_text().strip() and id(a) not in undrawn]


def assert_texts_inside_canvas(fig: Figure) -> None:
    renderer = rendered(fig)
    canvas = fig.bbox
    for text in visible_texts(fig):
        box = text.get_window_extent(renderer)
        assert (box.x0 >= canvas.x0 - 0.5 and box.y0 >= canvas.y0 - 0.5 and box.x1 <= canvas.x1 + 0.5
                and box.y1 <= canvas.y1 + 0.5), f"{text.get_text()!r} at {box} leaves the canvas {canvas}"


def legends(fig: Figure) -> list:
    return list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]


def assert_legends_clear_of_data(fig: Figure) -> None:
    """No legend overlaps a bar, or covers a point of a drawn line (in display coordinates)."""
    renderer = rendered(fig)
    boxes = [legend.get_window_extent(renderer) for legend in legends(fig)]
    assert boxes
    for ax in fig.axes:
        bars = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_width() and p.get_height()]
        for box in boxes:
            assert not any(box.overlaps(bar.get_window_extent(renderer)) for bar in bars)
            for line in ax.get_lines():
                points = line.get_transform().transform(np.column_stack(line.get_data()).astype(float))
                assert box.count_contains(points[np.isfinite(points).all(axis=1)]) == 0, line.get_label()


def bar_centres(ax) -> list[float]:
    return [p.get_y() + p.get_height() / 2 for p in ax.patches if isinstance(p, Rectangle)]


# --------------------------------------------------------------------------- variants compared
@pytest.mark.parametrize("language", ["en", "nl"])
def test_variant_panels_show_the_same_rows_in_the_same_places(result, language):
    table = result.table
    fig = fg.variant_comparison(table, result.reference.variant.name, result.recommended, language)
    rendered(fig)
    panels = fig.axes[:3]
    rows = list(table.index)
    assert [t.get_text() for t in panels[0].get_yticklabels()] == rows
    for ax in panels:
        assert list(ax.get_yticks()) == list(range(len(rows)))
        assert ax.get_ylim() == panels[0].get_ylim()
    # a row's bars sit at the same height on the screen in every panel
    heights = [{round(ax.transData.transform((0.0, y))[1], 3) for y in bar_centres(ax)} for ax in panels]
    assert heights[0] <= heights[2] and heights[1] <= heights[2]
    assert len(bar_centres(panels[2])) == len(rows)
    # the reference has no NPV against itself: its row says so, at the reference's height
    reference_row = rows.index(result.reference.variant.name)
    assert np.isnan(table["npv_eur"].iloc[reference_row])
    missing = [t for t in panels[0].texts if t.get_text() == fg.FIGURE_LABELS["not_available"][language == "nl"]]
    assert len(missing) == 1 and missing[0].get_position()[1] == reference_row
    assert reference_row not in {round(y) for y in bar_centres(panels[0])}


def test_variant_panels_mark_a_missing_value_and_keep_the_row(result):
    table = result.table.copy()
    name = table.index[-1]
    table.loc[name, "epc_kwh_m2"] = np.nan
    fig = fg.variant_comparison(table, result.reference.variant.name, None, "en")
    epc = fig.axes[2]
    assert [t.get_position()[1] for t in epc.texts if t.get_text() == "n/a"] == [len(table) - 1]
    assert len(bar_centres(epc)) == len(table) - 1
    assert list(epc.get_yticks()) == list(range(len(table)))
    assert_texts_inside_canvas(fig)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_variant_comparison_legend_is_clear_and_labels_inside(result, language):
    fig = fg.variant_comparison(result.table, result.reference.variant.name, result.recommended, language)
    assert_legends_clear_of_data(fig)
    assert_texts_inside_canvas(fig)


# --------------------------------------------------------------------------- load duration
@pytest.mark.parametrize("language", ["en", "nl"])
def test_load_duration_shows_the_whole_capacity_line_clear_of_the_legend(result, language):
    vr = result.result("+ PV")
    fig = fg.load_duration(vr, language)
    ax = fig.axes[0]
    capacity_line = next(line for line in ax.get_lines() if line.get_linestyle() == "--")
    bottom, top = ax.get_ylim()
    drawn = capacity_line.get_ydata()
    assert bottom <= np.nanmin(drawn) and np.nanmax(drawn) <= top
    assert np.nanmax(drawn) <= available_capacity_kw(vr).max()  # the drawn line is the capacity's running median
    assert_legends_clear_of_data(fig)
    assert_texts_inside_canvas(fig)


# --------------------------------------------------------------------------- carpets
@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("figure", [fg.carpet_grid, fg.carpet_heat_pump])
def test_carpets_are_labelled_by_month(result, figure, language):
    fig = figure(result.result("+ PV"), language)
    ax = fig.axes[0]
    rendered(fig)
    assert [t.get_text() for t in ax.get_xticklabels()] == fg.MONTHS[language]
    ticks = ax.get_xticks()
    assert np.all(np.diff(ticks) > 27) and 1 <= ticks[0] <= 31 and 335 <= ticks[-1] <= 366  # mid-month days
    assert ax.get_xlabel() == ("Month" if language == "en" else "Maand")
    assert_texts_inside_canvas(fig)


# --------------------------------------------------------------------------- per apartment
def test_apartments_alike_are_one_bar_per_size(result):
    split = result.per_apartment("+ PV")
    fig = fg.bill_change(pd.DataFrame({"bill_before_eur": [1500.0], "bill_after_eur": [1300.0]}, index=["+ PV"]),
                         split, "+ PV", "en")
    right = fig.axes[1]
    labels = [t.get_text() for t in right.get_yticklabels()]
    # the key is the floor area: 12, 8 and 4 apartments of 65, 80 and 95 m², the largest saving first
    assert labels == ["apartments 21–24 (4)", "apartments 13–20 (8)", "apartments 1–12 (12)"]
    change = split["bill_after_eur"] - split["bill_before_eur"]
    means = [change.loc[21:24].mean(), change.loc[13:20].mean(), change.loc[1:12].mean()]
    assert [p.get_width() for p in right.patches] == pytest.approx(means, abs=1e-9)
    assert_texts_inside_canvas(fig)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_apartments_all_alike_are_one_bar_that_says_so(language):
    split = pd.DataFrame({"bill_before_eur": 1600.0, "bill_after_eur": [1391.33] * 12 + [1391.34] * 12},
                         index=pd.RangeIndex(1, 25, name="apartment"))
    per_variant = pd.DataFrame({"bill_before_eur": [1600.0], "bill_after_eur": [1391.335]}, index=["+ PV"])
    fig = fg.bill_change(per_variant, split, "+ PV + dynamic tariff + heat pumps alone", language)  # a long title
    right = fig.axes[1]
    assert [t.get_text() for t in right.get_yticklabels()] == [
        {"en": "all 24 apartments", "nl": "alle 24 appartementen"}[language]]
    assert len(right.patches) == 1
    assert right.patches[0].get_height() * 3 <= abs(np.diff(right.get_ylim())[0])  # a bar, not a slab
    assert_texts_inside_canvas(fig)


def test_apartment_groups_join_within_the_tolerance_of_the_first():
    change = pd.Series([-10.0, -9.5, -9.0, -8.8, 5.0, -30.0], index=[1, 2, 3, 4, 5, 6])
    groups = fg.apartment_groups(change, tolerance_eur=1.0)
    assert [ids for ids, _ in groups] == [[6], [1, 2, 3], [4], [5]]
    assert [mean for _, mean in groups] == pytest.approx([-30.0, -9.5, -8.8, 5.0])


def test_apartment_ids_are_written_as_ranges():
    assert fg._id_ranges([7, 1, 2, 3, 9, 10]) == "1–3, 7, 9–10"
    assert fg._id_ranges(["A1", "B2"]) == "A1, B2"


# --------------------------------------------------------------------------- batch heat map
def heat_map_summary() -> pd.DataFrame:
    """Two typologies × two combinations: one cell judged on 12 buildings, two on 2, one on none."""
    index = pd.MultiIndex.from_tuples([("AB.03", "hp"), ("AB.03", "hp+pv"), ("MFH.02", "hp"), ("MFH.02", "hp+pv")],
                                      names=["typology", "combination"])
    return pd.DataFrame({"n_buildings": [12, 2, 2, 1], "n_failed": [0, 0, 0, 1], "n_judged": [12, 2, 2, 0],
                         "share_qualifies": [0.75, 1.0, 0.5, np.nan]}, index=index)


def test_heat_map_cells_give_their_count_and_mark_the_few():
    from mgwsim.stock import feasibility_heatmap

    fig = Figure(figsize=(5, 3), layout="constrained")
    ax = feasibility_heatmap(heat_map_summary(), fig.subplots(), min_judged=10)
    assert [t.get_text() for t in ax.texts] == ["9/12\n75%", "2/2\n100%", "1/2\n50%", "n=0\n–"]
    hatched = [p for p in ax.patches if p.get_hatch()]
    assert sorted(p.get_xy() for p in hatched) == [(-0.5, 0.5), (0.5, -0.5)]  # AB.03 × hp+pv, MFH.02 × hp
    assert "fewer than 10 buildings" in ax.get_xlabel()
    assert_texts_inside_canvas(fig)


def test_heat_map_without_a_small_cell_has_no_hatching_and_no_note():
    from mgwsim.stock import feasibility_heatmap

    fig = Figure(figsize=(5, 3), layout="constrained")
    ax = feasibility_heatmap(heat_map_summary(), fig.subplots(), min_judged=2)
    assert not [p for p in ax.patches if p.get_hatch()]
    assert ax.get_xlabel() == "combination"


# --------------------------------------------------------------------------- every figure
@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_report_figure_keeps_its_text_inside_and_its_legends_off_the_data(result, language):
    from mgwsim.report import build_figures, npv_sensitivity

    name = "+ PV"
    figures = build_figures(result, name, npv_sensitivity(result, name), language)
    for key, fig in figures.items():
        assert_texts_inside_canvas(fig)
        if legends(fig):
            assert_legends_clear_of_data(fig)
        else:
            assert key in {"carpet_grid", "carpet_heat_pump", "check_matrix"}, key


def test_heat_map_needs_the_counts_and_a_positive_minimum():
    from mgwsim.errors import InputError
    from mgwsim.stock import feasibility_heatmap

    fig = Figure()
    with pytest.raises(InputError, match="'n_judged'"):
        feasibility_heatmap(heat_map_summary().drop(columns="n_judged"), fig.subplots())
    with pytest.raises(InputError, match="min_judged"):
        feasibility_heatmap(heat_map_summary(), fig.subplots(), min_judged=0)
