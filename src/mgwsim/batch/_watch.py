"""A worker process ends when the process that started it dies (parent-death watch).

A batch driver killed with SIGKILL cannot shut its process pool down: its workers, blocked on
the task queue or busy with a chunk, would live on (several hundred MB each). Each worker calls
:func:`watch_parent` once when it starts:

* on Linux, ``prctl(PR_SET_PDEATHSIG, SIGTERM)`` makes the kernel send SIGTERM when the parent
  dies, even while the worker runs a numba kernel holding the GIL (strictly, when the thread
  that started the worker ends: ``run_batch`` blocks that thread until its pool is shut down);
* everywhere, a daemon thread waits on the parent's sentinel
  (:func:`multiprocessing.parent_process`, a pipe on POSIX, a process handle on Windows) and
  ends the process when the parent is gone.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading

_PR_SET_PDEATHSIG = 1
EXIT_PARENT_DIED = 3
"""Exit status of a worker that ended because its parent died."""


def watch_parent() -> bool:
    """End this process when its parent process dies; True if a parent was found to watch.

    Does nothing in a process not started by :mod:`multiprocessing` (no parent to watch).
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return False
    if sys.platform.startswith("linux"):
        _set_pdeathsig(signal.SIGTERM)
        if os.getppid() != parent.pid:  # the parent died before the signal was armed
            os._exit(EXIT_PARENT_DIED)
    threading.Thread(target=_exit_when_gone, args=(parent.sentinel,), name="mgwsim-parent-watch",
                     daemon=True).start()
    return True


def _set_pdeathsig(signum: int) -> bool:
    """Ask the Linux kernel for ``signum`` when the parent dies; False if libc cannot be loaded."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, int(signum), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _exit_when_gone(sentinel) -> None:
    multiprocessing.connection.wait([sentinel])  # returns when the parent's end of the sentinel closes
    os._exit(EXIT_PARENT_DIED)
