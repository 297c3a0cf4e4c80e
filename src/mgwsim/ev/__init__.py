"""Collective EV charging: seeded sessions from ElaadNL statistics and five charging strategies.

:class:`ChargingSite` describes the charge points, :func:`generate_sessions` draws the
sessions, :func:`simulate_charging` charges them (``uncontrolled``, ``pv_surplus``,
``price_led``, ``peak_limited``, ``pv_surplus_limited``) in one numba kernel and reports delivered and unmet
energy.
"""

from mgwsim.ev.charging import STRATEGIES, ChargingResult, simulate_charging
from mgwsim.ev.sessions import ChargingSite, Sessions, generate_sessions

__all__ = ["STRATEGIES", "ChargingResult", "ChargingSite", "Sessions", "generate_sessions", "simulate_charging"]
