"""Embodied-emission flows between regions: one LU factorization, one solve per region.

Notation (n = regions x sectors, r = regions):

- Z (n, n) intermediate flows, y_d (n,) final demand of region d (all categories summed),
  Y_reg = [y_1 ... y_r] (n, r).
- x = Z 1 + Y_reg 1 gross output; A = Z diag(x)^-1 (columns with x = 0 are zero).
- s = f diag(x)^-1 industry emission intensities (0 where x = 0; such emissions are
  reported as lost, never silently dropped).
- X = (I - A)^-1 Y_reg, found by solving (I - A) X = Y_reg with one LU factorization of
  (I - A) instead of forming the dense Leontief inverse L.
- N = diag(s) X (n, r): emissions in each producing sector driven by each region's final
  demand. Summed over the sectors of origin region o it is the flow E[o, d].

Since X 1 = x, the row sums of N equal the direct emissions f where x > 0: the flow matrix
splits production-based emissions exactly, which the accounts check at run time.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.linalg

from bri_carbon.errors import WorkflowInputError


@dataclass(frozen=True)
class EmbodiedEmissions:
    """Result of :func:`embodied_emissions`.

    ``by_destination`` (n, r): CO2 of each producing sector driven by each region's final
    demand (units of f). ``output`` (n,): gross output x (units of Z). ``lost`` (n,) bool:
    sectors with x = 0 but non-zero emissions, which cannot enter any flow.
    """

    by_destination: np.ndarray
    output: np.ndarray
    lost: np.ndarray


def gross_output(Z: np.ndarray, final_demand: np.ndarray) -> np.ndarray:
    """x = Z 1 + Y 1, shape (n,). ``final_demand`` is (n, m) for any m columns."""
    return Z.sum(axis=1) + final_demand.sum(axis=1)


def reciprocal_output(x: np.ndarray, labels: Sequence[str]) -> np.ndarray:
    """1 / x with 0 where x = 0; negative output is an input error naming the sectors."""
    negative = np.flatnonzero(x < 0)
    if negative.size:
        named = [f"{labels[i]} ({x[i]:.6g})" for i in negative[:20]]
        raise WorkflowInputError(
            f"{negative.size} sectors have negative total output (Z 1 + Y 1 < 0), which has "
            f"no meaning as a coefficient denominator: {named}. Correct the source table "
            "(often a sign error in final demand) before running the accounts."
        )
    inverse = np.zeros_like(x)
    np.divide(1.0, x, out=inverse, where=x > 0)
    return inverse


def technical_coefficients_(Z: np.ndarray, inverse_output: np.ndarray) -> np.ndarray:
    """A = Z diag(x)^-1, computed in place in ``Z`` (which is returned)."""
    Z *= inverse_output[None, :]
    return Z


def check_productive(A: np.ndarray, labels: Sequence[str], tolerance: float = 1e-12) -> None:
    """Fail if any column of A sums to 1 or more: (I - A) would be singular or unstable."""
    column_sums = A.sum(axis=0)
    bad = np.flatnonzero(column_sums >= 1.0 - tolerance)
    if bad.size:
        named = [f"{labels[j]} (sum {column_sums[j]:.6g})" for j in bad[:20]]
        raise WorkflowInputError(
            f"(I - A) is singular or nearly so: {bad.size} sectors buy inputs worth at least "
            f"their own output (column sums of A >= 1): {named}. Check these sectors' rows "
            "and columns in the source table."
        )


def leontief_solve_(A: np.ndarray, rhs: np.ndarray, labels: Sequence[str]) -> np.ndarray:
    """Solve (I - A) X = rhs with one LU factorization; ``A`` is overwritten.

    ``A`` (n, n), ``rhs`` (n, m). Returns X (n, m). Raises a clear error when (I - A) is
    singular.

    Memory: a contiguous float64 ``A`` becomes I - A and its LU factors in place, so the
    solve needs no second n x n array. LAPACK works on column-major arrays; a row-major
    (C-contiguous) ``A`` is column-major storage of A^T, so (I - A)^T is factorized and the
    system solved with the transposed factors (same result). Any other ``A`` is first copied
    to a column-major float64 array.
    """
    transposed = (
        A.flags.c_contiguous
        and not A.flags.f_contiguous
        and A.dtype == np.float64
        and A.flags.writeable
    )
    matrix = A.T if transposed else np.require(A, dtype=np.float64, requirements=["F", "W"])
    np.negative(matrix, out=matrix)
    matrix[np.diag_indices(matrix.shape[0])] += 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error", scipy.linalg.LinAlgWarning)
        try:
            factors = scipy.linalg.lu_factor(matrix, overwrite_a=True, check_finite=False)
        except (scipy.linalg.LinAlgWarning, ValueError, np.linalg.LinAlgError) as err:
            raise WorkflowInputError(f"(I - A) cannot be factorized: {err}") from err
    pivots = np.abs(np.diag(factors[0]))
    singular = np.flatnonzero(pivots <= np.finfo(float).eps * max(pivots.max(), 1.0))
    if singular.size:
        named = [labels[i] for i in singular[:20]]
        raise WorkflowInputError(
            f"(I - A) is singular: zero pivots at {named}. Check these sectors in the source."
        )
    return scipy.linalg.lu_solve(factors, rhs, trans=1 if transposed else 0, check_finite=False)


def embodied_emissions(
    Z: np.ndarray,
    final_demand_by_region: np.ndarray,
    emissions: np.ndarray,
    labels: Sequence[str],
) -> EmbodiedEmissions:
    """Emissions of every producing sector split by the region whose final demand drives them.

    ``Z`` (n, n) intermediate flows; it is used as workspace and overwritten (pass a copy
    to keep it). ``final_demand_by_region`` (n, r): y_d per column. ``emissions`` (n,):
    industry emissions f. ``labels``: n names of the sectors, for error messages.
    Money and emission units are the caller's; the result carries the emission unit.
    """
    x = gross_output(Z, final_demand_by_region)
    inverse = reciprocal_output(x, labels)
    lost = (x == 0) & (emissions != 0)
    intensity = emissions * inverse
    A = technical_coefficients_(Z, inverse)
    check_productive(A, labels)
    activity = leontief_solve_(A, final_demand_by_region, labels)
    activity *= intensity[:, None]
    return EmbodiedEmissions(by_destination=activity, output=x, lost=lost)
