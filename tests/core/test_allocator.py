"""retain_freed_memory: large blocks come from the heap (no mmap per block) once it is called."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = """
import ctypes, sys
from gategenome.core.allocator import retain_freed_memory

class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]

libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = MallInfo2
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
done = retain_freed_memory()
before = libc.mallinfo2().hblks  # blocks served by mmap
block = libc.malloc(64 << 20)   # a training buffer's size
mapped = libc.mallinfo2().hblks - before
libc.free(block)
print(int(done), mapped)
"""


def _probe(retain: str) -> tuple[int, int]:
    env = {**os.environ, "GATEGENOME_RETAIN_FREED": retain}
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True).stdout
    done, mapped = out.split()
    return int(done), int(mapped)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt is Linux-only")
def test_a_64_mib_block_comes_from_the_heap_once_freed_memory_is_retained():
    assert _probe("1") == (1, 0)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt is Linux-only")
def test_the_environment_variable_leaves_malloc_alone():
    assert _probe("0") == (0, 1)  # glibc's default: a 64 MiB block is its own mmap
