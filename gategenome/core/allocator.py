"""Keep freed memory in the process during training, instead of handing it back to the kernel.

A training step allocates and frees the same large buffers (the LSTM's gate
pre-activations of a batch, their gradients) hundreds of times.  glibc's malloc
serves a block above its mmap threshold with a fresh ``mmap`` and returns it with
``munmap`` on free, and trims the top of the heap once more than its trim
threshold is free; every new buffer is then faulted in again, page by page, and
a large share of the training's CPU time is spent in the kernel.

:func:`retain_freed_memory` raises both thresholds (``mallopt``), so freed blocks
stay in the heap and are reused, for a somewhat higher peak RSS (the heap keeps
its largest working set).  ``benchmarks/train_allocator.py`` measures it.

It only acts on Linux with glibc; elsewhere (or with ``GATEGENOME_RETAIN_FREED=0``
in the environment) it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import sys

log = logging.getLogger(__name__)

#: Environment variable: ``0`` leaves malloc's thresholds alone.
ENV_VAR = "GATEGENOME_RETAIN_FREED"
#: Blocks up to this size come from the heap (and go back to it), not from mmap.
MMAP_THRESHOLD = 256 << 20
#: Free memory at the top of the heap handed back to the kernel only above this.
TRIM_THRESHOLD = (1 << 31) - 1
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


def retain_freed_memory() -> bool:
    """Raise glibc's mmap and trim thresholds for this process.

    Returns
    -------
    bool
        Whether both thresholds were set (False off glibc, when disabled by
        :data:`ENV_VAR`, or when ``mallopt`` refused).
    """
    if os.environ.get(ENV_VAR, "1") == "0" or not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl and others: no mallopt
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    done = bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
    log.debug("malloc keeps freed blocks up to %d MiB: %s", MMAP_THRESHOLD >> 20, done)
    return done
