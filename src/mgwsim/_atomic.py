"""Write files atomically: readers see the old file or the complete new one, never half a file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_atomically(target, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` on a temporary file next to ``target``, then rename it to ``target``.

    The temporary file is in the same folder (a rename within one file system is atomic on
    POSIX and Windows, :func:`os.replace`) and ends with the target's suffix, so writers that
    infer a format or compression from the name (``.csv.gz``) still do. If ``write`` fails
    (a full disk, an interrupt) the temporary file is removed and ``target`` is untouched.

    Returns
    -------
    pathlib.Path
        ``target``.
    """
    target = Path(target)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=target.suffix)
    os.close(handle)
    tmp = Path(name)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private (0600); give it a new file's usual mode
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _umask() -> int:
    """The process's file-creation mask (read by setting it and restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
