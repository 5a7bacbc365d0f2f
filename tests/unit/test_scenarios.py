"""The test scenarios of config/test/: one tiny synthetic world, in one year and in two."""

from __future__ import annotations

from ..support.workflow import TINY, TINY_COUNTRIES, TWO_YEARS, scenario


def test_tiny_is_a_small_synthetic_world_of_one_year():
    tiny = scenario(TINY)
    assert tiny["years"] == [2015]
    assert len(TINY_COUNTRIES) == len(set(TINY_COUNTRIES)) == 9
    assert "USR" in TINY_COUNTRIES  # the dissolved USSR: sectors with zero output


def test_two_years_is_the_tiny_world_with_the_year_before_and_its_drivers():
    tiny, two_years = scenario(TINY), scenario(TWO_YEARS)
    assert two_years["synthetic"] == tiny["synthetic"]
    assert two_years["years"] == [2014, 2015]
    assert two_years["drivers"] == {"base": 2014, "target": 2015}
