"""Fast tests of pure functions on tiny systems generated in code, and static checks of the
repository (layers, pins, lint, rule files); none runs Snakemake (`make test-fast`)."""
