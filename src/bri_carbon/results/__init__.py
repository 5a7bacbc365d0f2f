"""The workflow's intermediate results as files (:mod:`bri_carbon.results.store`)."""
