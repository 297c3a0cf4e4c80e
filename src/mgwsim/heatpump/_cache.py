"""On-disk cache of performance maps (``cache_dir()/cop_maps/<sha256>.npz``) and of small facts about a cycle that
a preset needs before its map (``<sha256>.json``).

The key is the SHA-256 of every input that defines a map plus the mgwsim and CoolProp
versions (read from package metadata, so a warm call never imports CoolProp) and a fingerprint of
the heat-pump package's source (:func:`model_fingerprint`): an edit of the cycle model, which
leaves mgwsim's version as it is, must not find the maps of the code before it.
"""

from __future__ import annotations

import functools
import hashlib
import json
from importlib import metadata
from pathlib import Path

import numpy as np

from mgwsim._atomic import write_atomically
from mgwsim._data import cache_dir
from mgwsim.heatpump.maps import PerformanceMap, Source

_FORMAT = 1


@functools.lru_cache(maxsize=4)
def model_fingerprint(package_dir: Path | None = None) -> str:
    """First 16 hex digits of the SHA-256 of every module of the heat-pump package (``package_dir``, default
    :mod:`mgwsim.heatpump`), names and contents in sorted order: the code that computes what is cached."""
    package_dir = Path(__file__).parent if package_dir is None else Path(package_dir)
    digest = hashlib.sha256()
    for path in sorted(package_dir.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _versions() -> dict:
    out = {"format": _FORMAT, "model": model_fingerprint()}
    for dist in ("mgwsim", "CoolProp"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:  # pragma: no cover - editable installs have metadata
            out[dist] = "unknown"
    return out


def map_key(inputs: dict) -> str:
    """SHA-256 of the JSON of ``inputs`` (floats/arrays as lists) and the package versions."""
    payload = {"inputs": inputs, "versions": _versions()}
    text = json.dumps(payload, sort_keys=True, default=lambda a: np.asarray(a, dtype=float).tolist())
    return hashlib.sha256(text.encode()).hexdigest()


def _path(key: str) -> Path:
    folder = cache_dir() / "cop_maps"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{key}.npz"


def load(key: str) -> PerformanceMap | None:
    """The cached map for ``key``, or None when there is none (or it cannot be read)."""
    path = _path(key)
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            arrays = {name: data[name].copy() for name in ("source_degc", "sink_degc", "cop", "capacity_kw")}
    except (OSError, ValueError, KeyError):
        return None  # a corrupt or foreign file: recompute and overwrite
    meta["source"] = Source(**meta["source"])
    return PerformanceMap(**arrays, **meta)


def load_value(key: str):
    """The JSON value cached for ``key`` (:func:`save_value`), or None when there is none (or it cannot be read)."""
    path = _path(key).with_suffix(".json")
    try:
        return json.loads(path.read_text(encoding="utf-8"))["value"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_value(key: str, value) -> None:
    """Write a small JSON value for ``key`` atomically (a fact about a cycle a warm call then needs no CoolProp
    for, such as the coldest source of a preset's grid that reaches its top supply)."""
    text = json.dumps({"value": value})
    write_atomically(_path(key).with_suffix(".json"), lambda tmp: tmp.write_text(text, encoding="utf-8"))


def save(key: str, pmap: PerformanceMap) -> None:
    """Write ``pmap`` atomically (:func:`mgwsim._atomic.write_atomically`: a temporary file of its own, then a
    rename), safe with parallel writers."""
    meta = {
        "source": {"kind": pmap.source.kind, "min_degc": pmap.source.min_degc, "max_degc": pmap.source.max_degc},
        "max_sink_degc": pmap.max_sink_degc,
        "min_modulation_frac": pmap.min_modulation_frac,
        "rated_capacity_kw": pmap.rated_capacity_kw,
        "model": pmap.model,
        "refrigerant": pmap.refrigerant,
        "method": pmap.method,
        "includes_defrost": pmap.includes_defrost,
    }
    write_atomically(_path(key), lambda tmp: np.savez(tmp, source_degc=pmap.source_degc, sink_degc=pmap.sink_degc,
                                                       cop=pmap.cop, capacity_kw=pmap.capacity_kw,
                                                       meta=np.array(json.dumps(meta))))
