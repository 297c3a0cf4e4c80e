"""The one place that sets numba options for every kernel of mgwsim.

``cache=True`` keeps compiled kernels on disk between processes; ``fastmath`` stays off
so that energy balances close to rounding and results do not depend on the CPU's
floating-point shortcuts; ``nogil=True`` lets threads run kernels side by side.
"""

from __future__ import annotations

import numba

NUMBA_OPTIONS: dict[str, object] = {"cache": True, "fastmath": False, "nogil": True, "error_model": "numpy"}
"""Options used by :func:`njit` (and so by every kernel)."""

PARALLEL_OPTIONS: dict[str, bool] = {**NUMBA_OPTIONS, "parallel": True}
"""Options for kernels that ``prange`` over independent buildings or variants."""


def njit(func=None, *, parallel: bool = False, inline: bool = False):
    """Compile ``func`` with mgwsim's numba options (``@njit``, ``@njit(parallel=True)``, ``@njit(inline=True)``).

    ``inline=True`` inlines a small helper into its callers at numba-IR level, which avoids
    the per-call reference counting of array arguments inside hourly loops.
    """
    options = dict(PARALLEL_OPTIONS if parallel else NUMBA_OPTIONS)
    if inline:
        options["inline"] = "always"

    def wrap(f):
        return numba.njit(**options)(f)

    return wrap(func) if func is not None else wrap


prange = numba.prange
