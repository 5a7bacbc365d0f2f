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

Precision of the solve (:data:`PRECISIONS`):

- ``float64``: (I - A) is factorized in float64.
- ``mixed`` (default of the workflow): (I - A) is factorized in float32, which takes half
  the memory and about half the time, and X is then improved by iterative refinement: the
  residual R = Y_reg - (I - A) X is formed in float64 from the float64 Z, read again block by
  block, and the correction solves with the float32 factors. Each step shrinks the error by
  a constant factor c, and the first correction measures c (it is the error of the float32
  solution, relative to X); refinement stops once the estimated relative error of every
  column of X, change^2 / previous change, is below :data:`REFINED_TOLERANCE`. On
  well-conditioned systems one step reaches about 1e-14. When a correction does not shrink
  by half (a badly conditioned I - A), the float32 factors are dropped and the float64 path
  runs instead, so the result never depends on float32 accuracy.
"""

from __future__ import annotations

import itertools
import logging
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import scipy.linalg

from bri_carbon.errors import WorkflowInputError

log = logging.getLogger(__name__)

#: Row blocks of Z: a callable that yields (rows, block) with block = Z[rows, :] in float64,
#: covering rows 0..n-1 in order. Called once per pass over Z; a block may be overwritten
#: by the next one, so consumers use it before asking for the next.
RowBlocks = Callable[[], Iterator[tuple[slice, np.ndarray]]]
PRECISIONS = ("mixed", "float64")
#: Refinement stops when the estimated relative error of every column of X is below this.
REFINED_TOLERANCE = 1e-12
MAX_REFINEMENT_STEPS = 10


@dataclass(frozen=True)
class SolveReport:
    """How X was found: ``precision`` of the LU actually used (``float64`` after a
    fallback), refinement ``steps``, the ``estimated_relative_error`` of X after refinement
    (None without refinement) and whether the mixed path ``fell_back`` to float64."""

    precision: str
    steps: int
    estimated_relative_error: float | None
    fell_back: bool


@dataclass(frozen=True)
class EmbodiedEmissions:
    """Result of :func:`embodied_emissions`.

    ``by_destination`` (n, r): CO2 of each producing sector driven by each region's final
    demand (units of f). ``output`` (n,): gross output x (units of Z). ``lost`` (n,) bool:
    sectors with x = 0 but non-zero emissions, which cannot enter any flow. ``solve``: how
    the Leontief system was solved.
    """

    by_destination: np.ndarray
    output: np.ndarray
    lost: np.ndarray
    solve: SolveReport


def array_row_blocks(Z: np.ndarray, rows: int = 512) -> RowBlocks:
    """:data:`RowBlocks` of an in-memory (n, n) array (views, no copies)."""

    def blocks() -> Iterator[tuple[slice, np.ndarray]]:
        for start in range(0, Z.shape[0], rows):
            stop = min(start + rows, Z.shape[0])
            yield slice(start, stop), Z[start:stop]

    return blocks


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


def check_productive(
    column_sums: np.ndarray, labels: Sequence[str], tolerance: float = 1e-12
) -> None:
    """Fail if any column of A sums to 1 or more: (I - A) would be singular or unstable.

    ``column_sums`` (n,): the column sums of A.
    """
    bad = np.flatnonzero(column_sums >= 1.0 - tolerance)
    if bad.size:
        named = [f"{labels[j]} (sum {column_sums[j]:.6g})" for j in bad[:20]]
        raise WorkflowInputError(
            f"(I - A) is singular or nearly so: {bad.size} sectors buy inputs worth at least "
            f"their own output (column sums of A >= 1): {named}. Check these sectors' rows "
            "and columns in the source table."
        )


@dataclass(frozen=True)
class _Factors:
    """LU factors of a row-major matrix: LAPACK saw its transpose (see :func:`_factorize_`)."""

    lu_and_pivots: tuple[np.ndarray, np.ndarray]
    transposed: bool

    @property
    def dtype(self) -> np.dtype:
        return self.lu_and_pivots[0].dtype

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        """Solve with the factors; ``rhs`` is cast to their precision (LAPACK would
        otherwise cast the whole factorization to the wider type)."""
        return scipy.linalg.lu_solve(
            self.lu_and_pivots,
            rhs.astype(self.dtype, copy=False),
            trans=1 if self.transposed else 0,
            check_finite=False,
        )

    def tiny_pivots(self, labels: Sequence[str] | None = None) -> list[str]:
        """Labels (or indices) of pivots at most eps x the largest pivot, in the factors'
        precision: the matrix is singular to working precision."""
        pivots = np.abs(np.diag(self.lu_and_pivots[0]))
        eps = float(np.finfo(self.dtype).eps)
        tiny = np.flatnonzero(pivots <= eps * max(float(pivots.max()), 1.0))
        return [labels[i] if labels is not None else str(i) for i in tiny[:20]]


def _factorize_(matrix: np.ndarray) -> _Factors:
    """LU-factorize ``matrix`` (n, n) in its own precision, overwriting it when possible.

    LAPACK works on column-major arrays; a row-major (C-contiguous) matrix is column-major
    storage of its transpose, which is factorized in place and solved with ``trans=1``.
    """
    transposed = (
        matrix.flags.c_contiguous and not matrix.flags.f_contiguous and matrix.flags.writeable
    )
    work = matrix.T if transposed else np.require(matrix, requirements=["F", "W"])
    with warnings.catch_warnings():
        warnings.simplefilter("error", scipy.linalg.LinAlgWarning)
        try:
            factors = scipy.linalg.lu_factor(work, overwrite_a=True, check_finite=False)
        except (scipy.linalg.LinAlgWarning, ValueError, np.linalg.LinAlgError) as err:
            raise WorkflowInputError(f"(I - A) cannot be factorized: {err}") from err
    return _Factors(factors, transposed)


def _float64_factors(matrix: np.ndarray, labels: Sequence[str]) -> _Factors:
    """Factors of the float64 ``matrix`` = I - A (overwritten); a clear error when it is
    singular."""
    factors = _factorize_(matrix)
    singular = factors.tiny_pivots(labels)
    if singular:
        raise WorkflowInputError(
            f"(I - A) is singular: zero pivots at {singular}. Check these sectors in the source."
        )
    return factors


def leontief_solve_(A: np.ndarray, rhs: np.ndarray, labels: Sequence[str]) -> np.ndarray:
    """Solve (I - A) X = rhs in float64 with one LU factorization; ``A`` is overwritten.

    ``A`` (n, n), ``rhs`` (n, m). Returns X (n, m). Raises a clear error when (I - A) is
    singular. A writable float64 ``A`` becomes I - A and, when contiguous, its LU factors in
    place, so the solve needs no second n x n array; any other ``A`` is first copied.
    """
    matrix = A if A.dtype == np.float64 and A.flags.writeable else A.astype(np.float64)
    np.negative(matrix, out=matrix)
    matrix[np.diag_indices(matrix.shape[0])] += 1.0
    return _float64_factors(matrix, labels).solve(rhs)


def _row_parts(count: int, parts: int) -> list[slice]:
    """``count`` rows split into at most ``parts`` consecutive, non-empty slices."""
    edges = np.linspace(0, count, parts + 1).round().astype(int)
    return [slice(int(a), int(b)) for a, b in itertools.pairwise(edges) if b > a]


def _scale_columns_(matrix: np.ndarray, scale: np.ndarray, rows: slice) -> None:
    """matrix[rows] *= scale (one factor per column), in place."""
    matrix[rows] *= scale[None, :]


def _assemble(
    intermediate: RowBlocks,
    n: int,
    dtype: type[np.floating],
    pool: ThreadPoolExecutor,
    threads: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One pass over Z: (Z as a row-major (n, n) array of ``dtype``, row sums, column sums).

    The sums are taken in float64 from the float64 blocks, before any rounding to ``dtype``.
    Each block is split between the ``threads`` threads of ``pool`` (numpy releases the
    GIL), which also shares out the first touch of the new n x n array.
    """
    matrix = np.empty((n, n), dtype=dtype)
    row_sums = np.empty(n)
    column_sums = np.zeros((threads, n))
    covered = 0

    def take(part: int, rows: slice, block: np.ndarray) -> None:
        row_sums[rows] = block.sum(axis=1)
        column_sums[part] += block.sum(axis=0)
        matrix[rows] = block

    for rows, block in intermediate():
        if rows.start != covered:
            raise ValueError(f"row blocks of Z out of order: {rows} after row {covered}")
        parts = _row_parts(block.shape[0], threads)
        list(
            pool.map(
                take,
                range(len(parts)),
                [slice(rows.start + p.start, rows.start + p.stop) for p in parts],
                [block[p] for p in parts],
            )
        )
        covered = rows.stop
    if covered != n:
        raise ValueError(f"row blocks of Z cover {covered} of {n} rows")
    return matrix, row_sums, column_sums.sum(axis=0)


def _column_change(correction: np.ndarray, solution: np.ndarray) -> float:
    """max over columns of max|correction| / max|solution| (columns of zeros count 0)."""
    change = np.abs(correction).max(axis=0)
    scale = np.abs(solution).max(axis=0)
    relative = np.divide(change, scale, out=np.zeros_like(change), where=scale > 0)
    return float(relative.max()) if relative.size else 0.0


def _refine(
    intermediate: RowBlocks,
    factors: _Factors,
    inverse_output: np.ndarray,
    rhs: np.ndarray,
    solution: np.ndarray,
) -> tuple[int, float] | None:
    """Iterative refinement of ``solution`` (n, m) in place; see the module docstring.

    Returns (steps, estimated relative error) once converged; None when a correction does
    not shrink by half or :data:`MAX_REFINEMENT_STEPS` pass (the caller then solves in
    float64).
    """
    previous = 1.0
    for step in range(1, MAX_REFINEMENT_STEPS + 1):
        residual = rhs - solution
        scaled = solution * inverse_output[:, None]
        for rows, block in intermediate():
            residual[rows] += block @ scaled
        correction = factors.solve(residual)
        solution += correction
        change = _column_change(correction, solution)
        if not np.isfinite(change) or change > previous / 2:
            log.warning(
                "mixed-precision refinement step %d changed X by %.3g (relative), after %.3g:"
                " not converging",
                step,
                change,
                previous,
            )
            return None
        estimate = change * change / previous
        log.info(
            "refinement step %d: relative change %.3g, estimated relative error %.3g",
            step,
            change,
            estimate,
        )
        if estimate <= REFINED_TOLERANCE:
            return step, estimate
        previous = change
    log.warning("mixed-precision refinement did not reach %g in %d steps", REFINED_TOLERANCE, step)
    return None


def leontief_activity(
    intermediate: RowBlocks,
    final_demand_by_region: np.ndarray,
    labels: Sequence[str],
    precision: str = "mixed",
    threads: int = 1,
) -> tuple[np.ndarray, np.ndarray, SolveReport]:
    """X = (I - A)^-1 Y_reg (n, r) and x (n,), from Z given as row blocks.

    ``final_demand_by_region`` (n, r), money units of Z. ``threads``: threads for the
    element-wise passes over the n x n matrix (BLAS has its own pool). Peak memory: one
    n x n array of float32 (``mixed``) or float64, plus a few n x r arrays and one row
    block of Z.
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision {precision!r} is not one of {PRECISIONS}")
    n = final_demand_by_region.shape[0]
    dtype = np.float32 if precision == "mixed" else np.float64
    threads = max(threads, 1)
    with ThreadPoolExecutor(max_workers=threads) as pool:
        matrix, row_sums, column_sums = _assemble(intermediate, n, dtype, pool, threads)
        x = row_sums + final_demand_by_region.sum(axis=1)
        inverse = reciprocal_output(x, labels)
        check_productive(column_sums * inverse, labels)
        scale = (-inverse).astype(dtype)
        list(
            pool.map(
                _scale_columns_,
                itertools.repeat(matrix),
                itertools.repeat(scale),
                _row_parts(n, threads),
            )
        )
    matrix[np.diag_indices(n)] += 1.0  # I - A
    if precision == "float64":
        activity = _float64_factors(matrix, labels).solve(final_demand_by_region)
        return activity, x, SolveReport("float64", 0, None, fell_back=False)

    factors = _factorize_(matrix)
    del matrix
    refined = None
    if factors.tiny_pivots():
        log.warning("the float32 LU of I - A has near-zero pivots")
    else:
        activity = factors.solve(final_demand_by_region).astype(np.float64)
        refined = _refine(intermediate, factors, inverse, final_demand_by_region, activity)
    del factors
    if refined is None:
        log.warning("float32 LU not accurate enough for this system; solving in float64")
        activity, x, _ = leontief_activity(
            intermediate, final_demand_by_region, labels, "float64", threads
        )
        return activity, x, SolveReport("float64", 0, None, fell_back=True)
    steps, estimate = refined
    return activity, x, SolveReport("mixed", steps, estimate, fell_back=False)


def embodied_emissions(
    intermediate: RowBlocks,
    final_demand_by_region: np.ndarray,
    emissions: np.ndarray,
    labels: Sequence[str],
    precision: str = "mixed",
    threads: int = 1,
) -> EmbodiedEmissions:
    """Emissions of every producing sector split by the region whose final demand drives them.

    ``intermediate``: Z (n, n) intermediate flows as :data:`RowBlocks` (read once per pass,
    never modified). ``final_demand_by_region`` (n, r): y_d per column. ``emissions`` (n,):
    industry emissions f. ``labels``: n names of the sectors, for error messages.
    ``precision``: one of :data:`PRECISIONS`; ``threads``: see :func:`leontief_activity`.
    Money and emission units are the caller's; the result carries the emission unit.
    """
    activity, x, report = leontief_activity(
        intermediate, final_demand_by_region, labels, precision, threads
    )
    inverse = reciprocal_output(x, labels)
    lost = (x == 0) & (emissions != 0)
    activity *= (emissions * inverse)[:, None]
    return EmbodiedEmissions(by_destination=activity, output=x, lost=lost, solve=report)
