"""A bounded keeper of computed read-only arrays, for the caches of batch runs."""

from __future__ import annotations

from collections.abc import Callable, Hashable

import numpy as np


def kept_array(cache: dict, key: Hashable, compute: Callable[[], np.ndarray], limit: int | None = 64) -> np.ndarray:
    """``cache[key]``, computed by ``compute()`` and made read-only the first time (the callers share it); the
    cache is cleared when it holds ``limit`` entries (a stock repeats a few keys, so a full cache means a new
    stretch of them); ``limit`` None: never (a cache that lives as long as one building's rows)."""
    found = cache.get(key)
    if found is None:
        if limit is not None and len(cache) >= limit:
            cache.clear()
        found = cache[key] = compute()
        found.flags.writeable = False
    return found
