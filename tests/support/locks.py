"""The pinned versions of the project environment: requirements.lock and the optional SLURM
executor plugin's requirements-slurm.lock (``make slurm``)."""

from __future__ import annotations

import re

from .workflow import REPO

LOCK_FILES = ("requirements.lock", "requirements-slurm.lock")


def lock_pins() -> dict[str, str]:
    """Normalized package name -> version, of both lock files; every line pinned exactly."""
    pins = {}
    for lock in LOCK_FILES:
        for line in (REPO / lock).read_text().splitlines():
            if line and not line.startswith("#"):
                name, _, version = line.partition("==")
                assert version, f"{lock}: {line!r} is not pinned exactly"
                pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins
