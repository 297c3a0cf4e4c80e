"""The one place that sets numba options for every kernel of mgwsim.

``cache=True`` keeps compiled kernels on disk between processes; ``fastmath`` stays off
so that energy balances close to rounding and results do not depend on the CPU's
floating-point shortcuts; ``nogil=True`` lets threads run kernels side by side.

**Cache invalidation.** numba checks a cached kernel only against the file that defines it
(its modification time and size), while helpers inlined or called from other files are
compiled into it: editing ``system/dhw_tank.py`` alone would leave the plant kernel's stale
machine code in use. The caches therefore live in a directory named after a hash of every
mgwsim module that defines numba functions (:func:`kernel_sources_fingerprint`), under
``NUMBA_CACHE_DIR`` when set, else in the package's ``__pycache__``: any edit of a kernel
module starts a fresh cache. Where that directory is not writable numba falls back to its
own locations (installed, read-only packages change only by reinstalling every file).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numba

NUMBA_OPTIONS: dict[str, object] = {"cache": True, "fastmath": False, "nogil": True, "error_model": "numpy"}
"""Options used by :func:`njit` (and so by every kernel)."""

PARALLEL_OPTIONS: dict[str, bool] = {**NUMBA_OPTIONS, "parallel": True}
"""Options for kernels that ``prange`` over independent buildings or variants."""


def kernel_sources_fingerprint(package_dir: Path | None = None) -> str:
    """First 16 hex digits of the SHA-256 of every module under ``package_dir`` (default: mgwsim) whose text
    contains ``njit``: paths relative to it and their contents, in sorted order."""
    package_dir = Path(__file__).parent if package_dir is None else Path(package_dir)
    digest = hashlib.sha256()
    for path in sorted(package_dir.rglob("*.py")):
        text = path.read_bytes()
        if b"njit" in text:
            digest.update(path.relative_to(package_dir).as_posix().encode() + b"\0" + text + b"\0")
    return digest.hexdigest()[:16]


def kernel_cache_dir() -> str:
    """The directory of mgwsim's compiled kernels (module docstring)."""
    base = os.environ.get("NUMBA_CACHE_DIR") or str(Path(__file__).parent / "__pycache__")
    return os.path.join(base, f"numba-{kernel_sources_fingerprint()}")


_CACHE_DIR = kernel_cache_dir()


def njit(func=None, *, parallel: bool = False, inline: bool = False):
    """Compile ``func`` with mgwsim's numba options (``@njit``, ``@njit(parallel=True)``, ``@njit(inline=True)``).

    ``inline=True`` inlines a small helper into its callers at numba-IR level, which avoids
    the per-call reference counting of array arguments inside hourly loops.
    """
    options = dict(PARALLEL_OPTIONS if parallel else NUMBA_OPTIONS)
    if inline:
        options["inline"] = "always"

    def wrap(f):
        previous = numba.config.CACHE_DIR  # numba picks the cache's directory when it decorates
        numba.config.CACHE_DIR = _CACHE_DIR
        try:
            return numba.njit(**options)(f)
        finally:
            numba.config.CACHE_DIR = previous

    return wrap(func) if func is not None else wrap


prange = numba.prange
