"""Packaging that pyproject.toml cannot express: the embedded weather and tariff files live at
the top of the repository (``data/weather``, ``data/tariffs``, where a user looks for them) and
ship inside the package as ``mgwsim/data/weather`` and ``mgwsim/data/tariffs``."""

from setuptools import find_namespace_packages, setup

EMBEDDED_DATA = {"mgwsim.data.weather": "data/weather", "mgwsim.data.tariffs": "data/tariffs"}

setup(
    packages=find_namespace_packages("src", include=["mgwsim*"]) + list(EMBEDDED_DATA),
    package_dir={"": "src", **EMBEDDED_DATA},
)
