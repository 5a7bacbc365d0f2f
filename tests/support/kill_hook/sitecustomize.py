"""A test hook, no part of the workflow: SIGKILL at a chosen moment of a real run.

Python imports ``sitecustomize`` at start-up from ``sys.path``; the tests of interrupted
runs put this folder on ``PYTHONPATH`` of a Snakemake run and set
``BRI_CARBON_TEST_KILL_AT`` to a folder. The first process that is about to rename a
temporary of ``bri_carbon.runtime.atomic`` (``.{name}.{8 random}.part``) in that folder,
that is, a job that has written an output completely but not yet given it its name, is
killed with SIGKILL: the job alone (as the OOM killer or a SLURM time limit kill a job
while Snakemake goes on), or with ``BRI_CARBON_TEST_KILL=group`` its whole process group,
Snakemake included (as when the machine's allocation ends). Everything up to that moment
is the workflow's real code path.
"""

import os
import re
import signal

_FOLDER = os.environ.get("BRI_CARBON_TEST_KILL_AT")

if _FOLDER:
    _TEMPORARY = re.compile(r"^\..+\.[a-z0-9_]{8}\.part$")
    _GROUP = os.environ.get("BRI_CARBON_TEST_KILL") == "group"
    _rename = os.replace

    def _replace(src, dst, *args, **kwargs):
        """os.replace, but SIGKILL first when ``src`` is a temporary in the chosen folder."""
        path = os.path.abspath(os.fspath(src))
        if os.path.dirname(path) == os.path.abspath(_FOLDER) and _TEMPORARY.match(
            os.path.basename(path)
        ):
            if _GROUP:
                os.killpg(os.getpgid(0), signal.SIGKILL)
            os.kill(os.getpid(), signal.SIGKILL)
        return _rename(src, dst, *args, **kwargs)

    os.replace = _replace
