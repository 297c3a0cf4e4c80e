"""Access to the data files shipped inside the package (``mgwsim/data/``).

The embedded weather and tariff files live at the top of the repository (``data/weather``,
``data/tariffs``) and are packaged into ``mgwsim/data/`` (``setup.py``); in a source checkout
(an editable install) they are read from the repository's ``data/``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


_REPOSITORY_DATA = Path(__file__).resolve().parents[2] / "data"  # src/mgwsim/_data.py -> <repository>/data


def data_path(*parts: str) -> Path:
    """Path of a file shipped in ``mgwsim/data`` (e.g. ``data_path("weather", "x.csv.gz")``)."""
    path = Path(str(resources.files("mgwsim").joinpath("data", *parts)))
    if path.exists():
        return path
    checkout = _REPOSITORY_DATA.joinpath(*parts)
    if checkout.exists():
        return checkout
    raise FileNotFoundError(f"mgwsim data file not found: {path} (nor {checkout})")


def cache_dir() -> Path:
    """Directory for on-disk caches (COP maps, PVGIS downloads): ``$MGWSIM_CACHE`` or ``~/.cache/mgwsim``."""
    import os

    root = Path(os.environ.get("MGWSIM_CACHE", Path.home() / ".cache" / "mgwsim"))
    root.mkdir(parents=True, exist_ok=True)
    return root
