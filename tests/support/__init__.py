"""Helpers the tests share (no tests here): tiny MRIO systems generated in code
(``systems``), upstream-layout files and a fake upstream HTTP server (``fixtures``), runs of
the real workflow on a copy of the repository (``workflow``) and the jobs of Snakemake dry
runs and of squeue (``jobs``)."""
