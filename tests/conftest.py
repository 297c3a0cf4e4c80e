"""Shared fixtures: the embedded default weather and the reference data in ../shared/data."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the clone; tests that need it skip in a lone clone."""
    if not SHARED_DATA.is_dir():
        pytest.skip("reference data ../shared/data is not beside this clone (CI provides it)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def weather():
    """The embedded default weather year (Uccle 2019), shared by all tests in a run."""
    from mgwsim.weather import default_weather

    return default_weather()
