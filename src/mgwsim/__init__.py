"""mgwsim: collective heat pumps in existing apartment buildings, from hourly simulation to feasibility study."""

from mgwsim.errors import DataError, InputError
from mgwsim.weather import Site, Weather, default_weather

__version__ = "0.1.0"

__all__ = ["DataError", "InputError", "Site", "Weather", "default_weather", "__version__"]
