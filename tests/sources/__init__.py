"""Fast tests of the readers of upstream files on generated files in the real layouts, the
downloader against a local HTTP server, bad inputs and provenance; none runs Snakemake
(`make test-fast`)."""
