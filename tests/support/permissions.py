"""Unreadable files (mode 000) for tests, also when the tests run as root.

Root reads a file of mode 000 because of the capabilities CAP_DAC_OVERRIDE and
CAP_DAC_READ_SEARCH. :func:`permissions_enforced` clears them from the effective set of the
calling thread for a block (and restores them); :func:`enforce_in_child` is a
``preexec_fn`` that drops them from a child's bounding set, so that the child (and the
programs it starts, such as Snakemake's jobs) meets permission bits as any user does. For
other users both do nothing: permission bits apply anyway.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
from collections.abc import Callable, Iterator

import pytest

#: Capability numbers from <linux/capability.h>.
CAP_DAC_OVERRIDE = 1
CAP_DAC_READ_SEARCH = 2
_DAC_BITS = (1 << CAP_DAC_OVERRIDE) | (1 << CAP_DAC_READ_SEARCH)
_CAPABILITY_VERSION_3 = 0x20080522
_PR_CAPBSET_DROP = 24


class _Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _Data(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def _libc() -> ctypes.CDLL:
    """The C library of this process (capget, capset, prctl)."""
    return ctypes.CDLL(None, use_errno=True)


@contextlib.contextmanager
def permissions_enforced() -> Iterator[None]:
    """Within the block, this thread meets file permission bits even as root (skips the
    test where capabilities cannot be changed)."""
    if os.geteuid() != 0:
        yield
        return
    libc = _libc()
    header, data = _Header(_CAPABILITY_VERSION_3, 0), (_Data * 2)()
    if libc.capget(ctypes.byref(header), data) != 0:
        pytest.skip("cannot read this process's capabilities")
    saved = data[0].effective
    data[0].effective = saved & ~_DAC_BITS
    if libc.capset(ctypes.byref(header), data) != 0:
        pytest.skip("cannot drop CAP_DAC_OVERRIDE")
    try:
        yield
    finally:
        data[0].effective = saved
        libc.capset(ctypes.byref(header), data)


def enforce_in_child() -> Callable[[], None] | None:
    """A ``preexec_fn`` under which a child process meets permission bits even as root;
    None when no change is needed (not root)."""
    if os.geteuid() != 0:
        return None

    def drop() -> None:
        """Drop the two capabilities from the bounding set (kept across exec)."""
        libc = _libc()
        for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
            if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")

    return drop


def can_enforce() -> bool:
    """Whether :func:`enforce_in_child` works here (root may lack CAP_SETPCAP in a
    container)."""
    import subprocess
    import sys

    try:
        subprocess.run(
            [sys.executable, "-c", ""], preexec_fn=enforce_in_child(), check=True, timeout=60
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return True
