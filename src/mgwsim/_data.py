"""Access to the data files shipped inside the package (``mgwsim/data/``)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def data_path(*parts: str) -> Path:
    """Path of a file shipped in ``mgwsim/data`` (e.g. ``data_path("weather", "x.csv.gz")``)."""
    path = Path(str(resources.files("mgwsim").joinpath("data", *parts)))
    if not path.exists():
        raise FileNotFoundError(f"mgwsim data file not found: {path}")
    return path


def cache_dir() -> Path:
    """Directory for on-disk caches (COP maps, PVGIS downloads): ``$MGWSIM_CACHE`` or ``~/.cache/mgwsim``."""
    import os

    root = Path(os.environ.get("MGWSIM_CACHE", Path.home() / ".cache" / "mgwsim"))
    root.mkdir(parents=True, exist_ok=True)
    return root
