"""PerformanceMap: interpolation kernel vs a slow reference, availability rule, validation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mgwsim.errors import InputError
from mgwsim.heatpump import PerformanceMap, Source, available_point, carnot_cop, carnot_map, interp_map


def _map(**kw):
    src = np.array([-10.0, 0.0, 10.0])
    snk = np.array([35.0, 45.0, 55.0, 65.0])
    cop = 0.5 * carnot_cop(src[:, None] - 8, snk[None, :] + 4)
    cap = 40.0 + 1.0 * src[:, None] - 0.1 * snk[None, :]
    args = dict(source_degc=src, sink_degc=snk, cop=cop, capacity_kw=cap, model="test")
    args.update(kw)
    return PerformanceMap(**args)


def _reference_bilinear(xs, ys, v, x, y):
    """Slow, readable bilinear interpolation (scipy) to compare the kernel with."""
    from scipy.interpolate import RegularGridInterpolator

    return float(RegularGridInterpolator((xs, ys), v)([[x, y]])[0])


@settings(max_examples=60, deadline=None)
@given(st.floats(-10, 10), st.floats(35, 65))
def test_kernel_matches_reference(t_src, t_snk):
    m = _map()
    got = interp_map(m.source_degc, m.sink_degc, m.cop, t_src, t_snk)
    assert got == pytest.approx(_reference_bilinear(m.source_degc, m.sink_degc, m.cop, t_src, t_snk), rel=1e-12)


def test_grid_nodes_returned_exactly():
    m = _map()
    for i, ts in enumerate(m.source_degc):
        for k, tk in enumerate(m.sink_degc):
            assert m.cop_at(ts, tk) == pytest.approx(m.cop[i, k], rel=1e-14)
            assert m.capacity_at(ts, tk) == pytest.approx(m.capacity_kw[i, k], rel=1e-14)


def test_unavailable_above_max_sink_and_outside_source_limits():
    m = _map(max_sink_degc=55.0, source=Source("air", min_degc=-5.0))
    assert m.capacity_at(0.0, 60.0) == 0.0 and np.isnan(m.cop_at(0.0, 60.0))
    assert m.capacity_at(-8.0, 40.0) == 0.0
    assert m.capacity_at(0.0, 55.0) > 0.0
    cap, cop = available_point(*m.kernel_arrays(), 0.0, 60.0)
    assert (cap, cop) == (0.0, 0.0)
    cap, cop = available_point(*m.kernel_arrays(), 0.0, 50.0)
    assert cap == pytest.approx(m.capacity_at(0.0, 50.0)) and cop == pytest.approx(m.cop_at(0.0, 50.0))


def test_outside_grid_raises():
    m = _map()
    with pytest.raises(InputError, match="t_sink_degc = 70.0"):
        m.cop_at(0.0, 70.0)
    with pytest.raises(InputError, match="t_source_degc"):
        m.capacity_at([-11.0, 0.0], 40.0)


def test_vectorised_shape():
    m = _map()
    out = m.cop_at(np.zeros((2, 3)), 40.0)
    assert out.shape == (2, 3)


@pytest.mark.parametrize(
    "kw, match",
    [
        (dict(source_degc=np.array([0.0, -10.0, 10.0])), "strictly ascending"),
        (dict(sink_degc=np.array([35.0, 45.0, 45.0, 65.0])), "strictly ascending"),
        (dict(cop=np.ones((3, 4))), "cop"),
        (dict(capacity_kw=-np.ones((3, 4))), "capacity_kw"),
        (dict(max_sink_degc=80.0), "max_sink_degc"),
        (dict(min_modulation_frac=1.5), "min_modulation_frac"),
        (dict(cop=np.ones((2, 2))), "shape"),
    ],
)
def test_bad_map_raises(kw, match):
    with pytest.raises(InputError, match=match):
        _map(**kw)


def test_arrays_are_read_only():
    m = _map()
    with pytest.raises(ValueError):
        m.cop[0, 0] = 10.0


def test_source_validation():
    with pytest.raises(InputError, match="Source.kind"):
        Source("geothermal")
    with pytest.raises(InputError, match="max_degc"):
        Source("air", min_degc=10.0, max_degc=0.0)
    assert Source("brine").rating_point_degc == (0.0, 35.0)


def test_carnot_map_bounded_and_monotonic():
    m = carnot_map(np.arange(-15.0, 16.0), np.arange(30.0, 66.0), rated_capacity_kw=40.0)
    assert np.all(m.cop < carnot_cop(m.source_degc[:, None], m.sink_degc[None, :]))
    assert np.all(np.diff(m.cop, axis=0) > 0) and np.all(np.diff(m.cop, axis=1) < 0)
    assert m.capacity_at(7.0, 35.0) == pytest.approx(40.0)
    assert np.all(np.diff(m.capacity_kw, axis=0) > 0)


@pytest.mark.parametrize(
    "kw, match",
    [
        (dict(rated_capacity_kw=0.0), "rated_capacity_kw"),
        (dict(quality_grade=1.2), "quality_grade"),
        (dict(sink_degc=[10.0, 20.0]), "must exceed the highest source"),
    ],
)
def test_carnot_map_bad_input(kw, match):
    args = dict(source_degc=[-10.0, 10.0], sink_degc=[35.0, 55.0], rated_capacity_kw=40.0)
    args.update(kw)
    with pytest.raises(InputError, match=match):
        carnot_map(**args)
