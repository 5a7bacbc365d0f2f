"""A test hook, no part of the workflow: SIGKILL (or a failure) at a chosen moment of a run.

Python imports ``sitecustomize`` at start-up from ``sys.path``; the tests of interrupted
runs put this folder on ``PYTHONPATH`` of a Snakemake run and set
``BRI_CARBON_TEST_KILL_AT`` to a folder. The first process that is about to rename a
temporary of ``bri_carbon.runtime.atomic`` (``.{name}.{pid}@{host}.{8 random}.part``) in
that folder, that is, a job that has written an output completely but not yet given it its
name (or rule publish, about to rename the report or the explorer into place after the
folders were swapped), is stopped there, as ``BRI_CARBON_TEST_KILL`` says:

- ``job`` (the default): SIGKILL of that process alone, as the OOM killer or a SLURM time
  limit kill a job while Snakemake goes on;
- ``group``: SIGKILL of its whole process group, Snakemake included, as when the machine's
  allocation ends;
- ``fail``: an OSError (EIO) raised there, so that the job fails and Snakemake goes on to
  end the run with an error;
- ``full``: the OSError of a full disk (ENOSPC) raised there.

Everything up to that moment is the workflow's real code path.
"""

import errno
import os
import re
import signal

_FOLDER = os.environ.get("BRI_CARBON_TEST_KILL_AT")

if _FOLDER:
    _TEMPORARY = re.compile(r"^\..+\.\d+@[A-Za-z0-9-]+\.[a-z0-9_]{8}\.part$")
    _HOW = os.environ.get("BRI_CARBON_TEST_KILL", "job")
    _rename = os.replace

    def _replace(src, dst, *args, **kwargs):
        """os.replace, but stopped first when ``src`` is a temporary in the chosen folder."""
        path = os.path.abspath(os.fspath(src))
        if os.path.dirname(path) == os.path.abspath(_FOLDER) and _TEMPORARY.match(
            os.path.basename(path)
        ):
            if _HOW == "fail":
                raise OSError(errno.EIO, "test hook: injected failure before rename", path)
            if _HOW == "full":
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)
            if _HOW == "group":
                os.killpg(os.getpgid(0), signal.SIGKILL)
            os.kill(os.getpid(), signal.SIGKILL)
        return _rename(src, dst, *args, **kwargs)

    os.replace = _replace
