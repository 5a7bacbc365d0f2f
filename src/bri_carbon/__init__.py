"""bri-carbon: embodied carbon flows of the Belt and Road regions from MRIO tables.

The package holds the science as typed, pure functions; the Snakemake rule scripts in
``scripts/`` only read inputs, call these functions and write outputs.
"""

__version__ = "0.1.0"
