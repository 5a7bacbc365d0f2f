"""Tests on a real one-node SLURM cluster (`make test-slurm`); skipped in the default run."""
