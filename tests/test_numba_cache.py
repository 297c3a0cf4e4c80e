"""Compiled kernels are cached per state of every numba module, not per file (:mod:`mgwsim._numba`)."""

from __future__ import annotations

from pathlib import Path

from mgwsim import _numba
from mgwsim.system import kernel


def _package(root: Path) -> Path:
    (root / "sub").mkdir(parents=True)
    (root / "kernel.py").write_text("from x import njit\n@njit\ndef f(a):\n    return g(a)\n")
    (root / "sub" / "tank.py").write_text("@njit(inline=True)\ndef g(a):\n    return a + 1\n")
    (root / "report.py").write_text("def page():\n    return 'text'\n")
    return root


def test_editing_an_inlined_helpers_file_changes_the_cache_directory(tmp_path):
    """The bug this guards against: a helper in another file inlined into a cached kernel; numba's own check
    sees only the kernel's file, so the helper's edit must change the fingerprint."""
    root = _package(tmp_path / "pkg")
    before = _numba.kernel_sources_fingerprint(root)
    (root / "sub" / "tank.py").write_text("@njit(inline=True)\ndef g(a):\n    return a + 2\n")
    assert _numba.kernel_sources_fingerprint(root) != before


def test_a_module_without_kernels_does_not_invalidate_them(tmp_path):
    root = _package(tmp_path / "pkg")
    before = _numba.kernel_sources_fingerprint(root)
    (root / "report.py").write_text("def page():\n    return 'other text'\n")
    assert _numba.kernel_sources_fingerprint(root) == before


def test_mgwsims_kernels_are_cached_under_the_fingerprint():
    fingerprint = _numba.kernel_sources_fingerprint()
    assert _numba.kernel_cache_dir().endswith(f"numba-{fingerprint}")
    locator = kernel.plant_kernel._cache._impl.locator
    assert f"numba-{fingerprint}" in locator.get_cache_path()


def test_the_global_numba_setting_is_left_as_it_was():
    """Other libraries' numba caches in the same process stay where numba puts them."""
    import os

    import numba

    assert numba.config.CACHE_DIR == os.environ.get("NUMBA_CACHE_DIR", "")
