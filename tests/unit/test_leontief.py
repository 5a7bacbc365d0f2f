"""The embodied-emissions kernel against a textbook case and pymrio's own results."""

import numpy as np
import pandas as pd
import pymrio
import pytest

from bri_carbon.core import leontief
from bri_carbon.runtime.errors import WorkflowInputError

from ..support.systems import random_system

# Miller & Blair (2009), section 2.3: a two-sector economy.
MB_Z = np.array([[150.0, 500.0], [200.0, 100.0]])
MB_Y = np.array([[350.0], [1700.0]])
MB_X = np.array([1000.0, 2000.0])
MB_L = np.array([[1.2541, 0.3300], [0.2640, 1.1221]])  # as printed, 4 decimals


@pytest.mark.parametrize("precision", leontief.PRECISIONS)
def test_miller_blair_output_and_leontief_inverse(precision):
    x = leontief.gross_output(MB_Z, MB_Y)
    np.testing.assert_allclose(x, MB_X)
    A = MB_Z * leontief.reciprocal_output(x)[None, :]
    np.testing.assert_allclose(A, [[0.15, 0.25], [0.2, 0.05]])
    solution = leontief.leontief_activity(
        leontief.array_row_blocks(MB_Z), MB_Y[:, 0], np.eye(2), ["1", "2"], precision
    )
    np.testing.assert_allclose(solution.activity, MB_L, atol=5e-5)
    np.testing.assert_allclose(solution.output, MB_X)
    np.testing.assert_allclose(solution.input_share, A.sum(axis=0))


@pytest.mark.parametrize("precision", leontief.PRECISIONS)
def test_miller_blair_emissions_split_by_destination(precision):
    f = np.array([10.0, 40.0])  # emissions of each sector
    Y = np.array([[350.0, 0.0], [0.0, 1700.0]])  # two destinations, one sector each
    result = leontief.embodied_emissions(
        leontief.array_row_blocks(MB_Z), Y, f, ["1", "2"], precision
    )
    L = np.linalg.inv(np.eye(2) - MB_Z / MB_X)
    expected = (f / MB_X)[:, None] * (L @ Y)
    np.testing.assert_allclose(result.by_destination, expected, rtol=1e-12)
    np.testing.assert_allclose(result.by_destination.sum(axis=1), f, rtol=1e-12)


@pytest.mark.parametrize("precision", leontief.PRECISIONS)
def test_matches_pymrio_calc_all_regional_accounts(precision):
    regions, sectors = ["AAA", "BBB", "CCC"], ["s1", "s2", "s3", "s4"]
    system = random_system(regions, sectors, seed=3)
    reference = random_system(regions, sectors, seed=3)
    reference.calc_all()
    Y_reg = system.Y.T.groupby(level="region", sort=False).sum().T
    f = system.co2.F.to_numpy().ravel()
    labels = [f"{r}/{s}" for r, s in system.Z.index]
    Z = system.Z.to_numpy()
    result = leontief.embodied_emissions(
        leontief.array_row_blocks(Z, rows=5), Y_reg.to_numpy(), f, labels, precision
    )
    assert result.solve.precision == precision and not result.solve.fell_back
    node = pd.DataFrame(result.by_destination, index=system.Z.index, columns=Y_reg.columns)
    flows = node.groupby(level="region", sort=False).sum()
    household = system.co2.F_Y.T.groupby(level="region", sort=False).sum().iloc[:, 0]
    # pymrio 0.7 includes the household emissions F_Y in D_pba and D_cba.
    pba = reference.co2.D_pba_reg.loc[("CO2", "Total")]
    cba = reference.co2.D_cba_reg.loc[("CO2", "Total")]
    np.testing.assert_allclose((flows.sum(axis=1) + household).loc[pba.index], pba, rtol=1e-9)
    np.testing.assert_allclose((flows.sum(axis=0) + household).loc[cba.index], cba, rtol=1e-9)
    np.testing.assert_allclose(result.output, reference.x["indout"], rtol=1e-12)


def test_coefficients_match_pymrio():
    system = random_system(["AAA", "BBB"], ["s1", "s2"], seed=5)
    x = pymrio.calc_x(system.Z, system.Y)
    A_ref = pymrio.calc_A(system.Z, x)
    inverse = leontief.reciprocal_output(x["indout"].to_numpy())
    A = system.Z.to_numpy() * inverse[None, :]
    np.testing.assert_allclose(A, A_ref.to_numpy(), rtol=1e-15)


def test_zero_output_sector_is_reported_not_divided():
    Z = np.array([[0.0, 10.0, 0.0], [5.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    Y = np.array([[50.0], [40.0], [0.0]])
    f = np.array([1.0, 2.0, 7.0])
    result = leontief.embodied_emissions(leontief.array_row_blocks(Z), Y, f, ["a", "b", "c"])
    assert result.lost.tolist() == [False, False, True]
    assert np.isfinite(result.by_destination).all()
    np.testing.assert_allclose(result.by_destination.sum(axis=1), [1.0, 2.0, 0.0])


def test_negative_output_is_computed_as_pymrio_does():
    """Negative gross output keeps its sign in A (pymrio's calc_A); the accounts warn."""
    Z = np.array([[0.0, 1.0], [1.0, 0.0]])
    Y = np.array([[-5.0], [3.0]])
    f = np.array([1.0, 2.0])
    result = leontief.embodied_emissions(
        leontief.array_row_blocks(Z), Y, f, ["AAA / farming", "AAA / steel"], "float64"
    )
    x = Z.sum(axis=1) + Y.sum(axis=1)
    assert x[0] < 0
    A = pymrio.calc_A(pd.DataFrame(Z), pd.DataFrame({"indout": x})).to_numpy()
    L = np.linalg.inv(np.eye(2) - A)
    np.testing.assert_allclose(result.by_destination, (f / x)[:, None] * (L @ Y), rtol=1e-12)
    np.testing.assert_allclose(result.by_destination.sum(axis=1), f, rtol=1e-12)


@pytest.mark.parametrize("precision", leontief.PRECISIONS)
def test_inputs_worth_more_than_output_are_solved_not_refused(precision):
    """A column of A summing to 1.2 (negative value added): spectral radius below 1, so the
    system is well posed and matches the dense inverse."""
    A = np.array([[0.1, 0.9, 0.05], [0.2, 0.3, 0.1], [0.1, 0.0, 0.2]])  # column 2 sums to 1.2
    x = np.array([100.0, 80.0, 50.0])
    Z = A * x[None, :]
    y = x - Z.sum(axis=1)
    assert (y > 0).all() and A.sum(axis=0)[1] > 1
    f = np.array([3.0, 1.0, 2.0])
    Y = np.column_stack([0.6 * y, 0.4 * y])
    result = leontief.embodied_emissions(
        leontief.array_row_blocks(Z), Y, f, ["a", "b", "c"], precision
    )
    L = np.linalg.inv(np.eye(3) - A)
    np.testing.assert_allclose(result.by_destination, (f / x)[:, None] * (L @ Y), rtol=1e-12)
    assert result.input_share[1] == pytest.approx(1.2)


def test_a_singular_system_names_the_sectors_with_the_smallest_pivots():
    """Two sectors that sell all their output to each other: I - A is singular."""
    Z = np.array([[0.0, 5.0, 0.0], [5.0, 0.0, 0.0], [1.0, 1.0, 0.0]])
    Y = np.array([[0.0], [0.0], [10.0]])
    with pytest.raises(
        WorkflowInputError, match=r"singular.*zero or non-finite pivots.*smallest at"
    ):
        leontief.embodied_emissions(
            leontief.array_row_blocks(Z),
            Y,
            np.ones(3),
            ["AAA / a", "AAA / b", "AAA / c"],
            "float64",
        )


def test_a_solution_that_does_not_converge_names_the_least_certain_sectors():
    """Two sectors that sell all but 1e-13 of their output to each other: cond(I - A) is
    about 1e13, float64 refinement cannot settle the solution, and the error says where."""
    Z, Y = _two_sector_loop(1e-13)
    with pytest.raises(WorkflowInputError, match=r"does not converge.*least certain at \['AAA / a"):
        leontief.embodied_emissions(
            leontief.array_row_blocks(Z), Y, np.ones(2), ["AAA / a", "AAA / b"], "float64"
        )


def _two_sector_loop(gap: float) -> tuple[np.ndarray, np.ndarray]:
    """Z and Y of two sectors that sell 1 - gap of their output to each other (x = 1), so
    that I - A has determinant about 2 gap: the smaller the gap, the worse the condition."""
    Z = np.array([[0.0, 1.0 - gap], [1.0 - gap, 0.0]])
    Y = np.array([[gap, 0.0], [0.0, gap]])
    return Z, Y


def test_mixed_precision_equals_float64_on_a_larger_system():
    regions, sectors = [f"R{i}" for i in range(12)], [f"s{j}" for j in range(15)]
    system = random_system(regions, sectors, seed=11)
    Z = system.Z.to_numpy()
    Y_reg = system.Y.T.groupby(level="region", sort=False).sum().T.to_numpy()
    f = system.co2.F.to_numpy().ravel()
    labels = [f"{r}/{s}" for r, s in system.Z.index]
    results = {
        precision: leontief.embodied_emissions(
            leontief.array_row_blocks(Z, rows=37), Y_reg, f, labels, precision
        )
        for precision in leontief.PRECISIONS
    }
    mixed = results["mixed"].solve
    assert mixed.precision == "mixed" and mixed.steps >= 1 and not mixed.fell_back
    assert mixed.estimated_relative_error <= leontief.REFINED_TOLERANCE
    expected = results["float64"].by_destination
    scale = np.abs(expected).max(axis=0)
    worst = (np.abs(results["mixed"].by_destination - expected).max(axis=0) / scale).max()
    assert worst <= 1e-12
    # The passes over Z split between threads write the same matrix: the same result.
    threaded = leontief.embodied_emissions(
        leontief.array_row_blocks(Z, rows=37), Y_reg, f, labels, "mixed", threads=3
    )
    np.testing.assert_array_equal(threaded.by_destination, results["mixed"].by_destination)


@pytest.mark.parametrize(
    ("gap", "message"),
    [
        (3e-8, "near-zero pivots"),  # 1 - gap rounds to 1 in float32: singular there
        (2e-7, "did not reach"),  # each correction shrinks by only about 0.13
    ],
)
def test_mixed_precision_falls_back_to_float64_on_ill_conditioned_systems(gap, message, caplog):
    Z, Y = _two_sector_loop(gap)
    f = np.array([2.0, 3.0])
    with caplog.at_level("WARNING", logger="bri_carbon.core.leontief"):
        result = leontief.embodied_emissions(leontief.array_row_blocks(Z), Y, f, ["a", "b"])
    assert message in caplog.text
    assert result.solve.precision == "float64" and result.solve.fell_back
    reference = leontief.embodied_emissions(
        leontief.array_row_blocks(Z), Y, f, ["a", "b"], "float64"
    )
    np.testing.assert_array_equal(result.by_destination, reference.by_destination)
    # x = 1 and each sector's emissions are split between the two destinations.
    np.testing.assert_allclose(result.by_destination.sum(axis=1), f, rtol=1e-6)


def test_refinement_stops_when_corrections_do_not_shrink_by_half(caplog):
    """Factors of 3 (I - A) instead of I - A: the error shrinks by 2/3 per step."""
    A = np.array([[0.1, 0.2], [0.3, 0.1]])
    Z, rhs = A.copy(), np.array([[1.0], [2.0]])  # x = 1: Z = A
    factors = leontief._factorize_(3.0 * (np.eye(2) - A))
    solution = factors.solve(rhs)
    with caplog.at_level("WARNING", logger="bri_carbon.core.leontief"):
        refined = leontief._refine(leontief.array_row_blocks(Z), factors, np.ones(2), rhs, solution)
    assert not refined.converged
    assert "refinement step 2" in caplog.text and "not converging" in caplog.text


def test_row_blocks_must_cover_every_row_in_order():
    Z, Y = _two_sector_loop(0.5)

    def reversed_blocks():
        yield slice(1, 2), Z[1:2]
        yield slice(0, 1), Z[0:1]

    with pytest.raises(ValueError, match="out of order"):
        leontief.embodied_emissions(reversed_blocks, Y, np.ones(2), ["a", "b"])
