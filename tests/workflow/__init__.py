"""Tests that run Snakemake (marker ``workflow``): one session-wide run of the tiny scenario
(``finished_run``) and the tests that read it, runs on generated real-data files, dry runs
under the SLURM profile, the report and ``snakemake --lint``."""
