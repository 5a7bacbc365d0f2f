"""glibc's allocator keeps freed blocks for reuse in the rule scripts
(bri_carbon.runtime.allocator): blocks of megabytes allocated again and again do not fault
their pages in again."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from bri_carbon.runtime import allocator

pytestmark = pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="needs glibc"
)

#: Three 24 MB arrays alive at once, freed, ten times over (as a reader's row blocks are):
#: with glibc's defaults the heap's top is given back each time and faulted in again.
PROGRAM = """
import resource, sys
import numpy as np
from bri_carbon.runtime.allocator import reuse_freed_memory
assert reuse_freed_memory()
def blocks():
    held = [np.ones(3 << 20) for _ in range(3)]
    del held
blocks()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(10):
    blocks()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""
PAGES_TOUCHED = 10 * 3 * (24 << 20) // 4096


def test_blocks_allocated_again_reuse_their_pages():
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, check=True
    )
    assert int(done.stdout) < PAGES_TOUCHED // 100


def test_a_library_without_mallopt_changes_nothing(tmp_path):
    assert allocator.reuse_freed_memory(str(tmp_path / "no-such-library.so")) is False
