"""The pipeline benchmark's reader of the rule benchmarks on the tiny workflow run."""

from __future__ import annotations

from ..support.benchmarks import load_benchmark


def test_pipeline_benchmark_reads_the_rule_benchmarks(finished_run):
    pipeline = load_benchmark("pipeline")
    rows = {job: (seconds, rss) for job, seconds, rss in pipeline.rule_benchmarks(finished_run)}
    seconds, rss = rows["accounts/synthetic_2015"]
    assert seconds > 0 and rss > 0
