"""Embodied-emission flows between regions: one LU factorization, one solve per region.

Notation (n = regions x sectors at the source's own resolution, r = purchasing regions):

- Z (n, n) intermediate flows, y_d (n,) final demand of region d (the categories counted in
  the consumption-based accounts, summed), Y_reg = [y_1 ... y_r] (n, r); y_tot (n,) final
  demand of every category (what gross output is made of).
- x = Z 1 + y_tot gross output; A = Z diag(x)^-1 (columns with x = 0 are zero, as in
  pymrio's ``calc_A``).
- s = f diag(x)^-1 industry emission intensities (0 where x = 0; such emissions are
  reported as lost, never silently dropped).
- X = (I - A)^-1 Y_reg, found by solving (I - A) X = Y_reg with one LU factorization of
  (I - A) instead of forming the dense Leontief inverse L.
- N = diag(s) X (n, r): emissions in each producing sector driven by each region's final
  demand. Summed over the sectors of origin region o it is the flow E[o, d].

Where every final-demand category is counted, X 1 = x and the row sums of N equal the
direct emissions f where x != 0: the flow matrix splits production-based emissions exactly,
which the accounts check at run time.

Solvability is judged by the solve alone, never by a rule on the coefficients: real tables
have sectors whose inputs exceed their output (negative value added, a column of A summing
to 1 or more) and negative gross output, and their Leontief systems are usually still well
posed. The solve fails only when the factorization of I - A has a zero pivot, or when the
solution is not finite or iterative refinement does not converge in float64; the message
names the sectors with the smallest pivots or the largest residuals.

Precision of the solve (:data:`PRECISIONS`):

- ``float64``: (I - A) is factorized in float64 and X refined with float64 residuals.
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

from bri_carbon.runtime.errors import WorkflowInputError

log = logging.getLogger(__name__)

#: Row blocks of Z: a callable that yields (rows, block) with block = Z[rows, :] in float64,
#: covering rows 0..n-1 in order. Called once per pass over Z; a block may be overwritten
#: by the next one, so consumers use it before asking for the next.
RowBlocks = Callable[[], Iterator[tuple[slice, np.ndarray]]]
PRECISIONS = ("mixed", "float64")
#: Refinement stops when the estimated relative error of every column of X is below this.
REFINED_TOLERANCE = 1e-12
MAX_REFINEMENT_STEPS = 10
#: Sectors named in a message about pivots or residuals.
NAMED_SECTORS = 10


@dataclass(frozen=True)
class SolveReport:
    """How X was found: ``precision`` of the LU actually used (``float64`` after a
    fallback), refinement ``steps``, the ``estimated_relative_error`` of X after refinement
    and whether the mixed path ``fell_back`` to float64."""

    precision: str
    steps: int
    estimated_relative_error: float
    fell_back: bool


@dataclass(frozen=True)
class LeontiefSolution:
    """Result of :func:`leontief_activity`.

    ``activity`` (n, m): X = (I - A)^-1 rhs. ``output`` (n,): gross output x (units of Z).
    ``input_share`` (n,): column sums of A, 1'Z / x (0 where x = 0). ``intermediate_inputs``
    (n,): column sums of Z, 1'Z (units of Z). ``solve``: how the system was solved.
    """

    activity: np.ndarray
    output: np.ndarray
    input_share: np.ndarray
    intermediate_inputs: np.ndarray
    solve: SolveReport


@dataclass(frozen=True)
class EmbodiedEmissions:
    """Result of :func:`embodied_emissions`.

    ``by_destination`` (n, r): CO2 of each producing sector driven by each region's final
    demand (units of f). ``output`` (n,): gross output x (units of Z). ``input_share`` (n,):
    column sums of A. ``intermediate_inputs`` (n,): column sums of Z (units of Z). ``lost``
    (n,) bool: sectors with x = 0 but non-zero emissions, which cannot enter any flow.
    ``solve``: how the Leontief system was solved. ``summed_activity`` (n,): the activity
    (I - A)^-1 rhs of the right-hand sides asked for, summed over them (units of Z; None
    when none was asked for).
    """

    by_destination: np.ndarray
    output: np.ndarray
    input_share: np.ndarray
    intermediate_inputs: np.ndarray
    lost: np.ndarray
    solve: SolveReport
    summed_activity: np.ndarray | None = None


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


def reciprocal_output(x: np.ndarray) -> np.ndarray:
    """1 / x with 0 where x = 0 (pymrio's ``calc_A`` convention); negative output keeps its
    sign (the accounts list such sectors as warnings)."""
    inverse = np.zeros_like(x)
    np.divide(1.0, x, out=inverse, where=x != 0)
    return inverse


def _named(labels: Sequence[str], order: np.ndarray, values: np.ndarray) -> list[str]:
    """``label (value)`` of the first :data:`NAMED_SECTORS` entries of ``order``."""
    return [f"{labels[i]} ({values[i]:.3g})" for i in order[:NAMED_SECTORS]]


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

    def pivots(self) -> np.ndarray:
        """|U_ii| (n,): the pivots of the factorization. Row-major input is factorized as
        its transpose without column exchanges, so pivot i belongs to sector i."""
        return np.abs(np.diag(self.lu_and_pivots[0]))

    def tiny_pivots(self) -> np.ndarray:
        """Indices of pivots that are not finite or at most eps x the largest finite pivot,
        in the factors' precision: the matrix is singular to working precision (or has
        infinite or NaN entries). Non-finite first, then smallest first."""
        pivots = self.pivots()
        finite = np.isfinite(pivots)
        largest = float(pivots[finite].max()) if finite.any() else 1.0
        eps = float(np.finfo(self.dtype).eps)
        tiny = np.flatnonzero(~finite | (pivots <= eps * max(largest, 1.0)))
        order = np.lexsort((pivots[tiny], finite[tiny]))
        return tiny[order]


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
        warnings.simplefilter("ignore", scipy.linalg.LinAlgWarning)
        try:
            factors = scipy.linalg.lu_factor(work, overwrite_a=True, check_finite=False)
        except (ValueError, np.linalg.LinAlgError) as err:
            raise WorkflowInputError(f"(I - A) cannot be factorized: {err}") from err
    return _Factors(factors, transposed)


def _singular_error(factors: _Factors, labels: Sequence[str]) -> WorkflowInputError:
    """The error for float64 factors with zero or non-finite pivots, naming the smallest
    (non-finite ones come from infinite or NaN coefficients)."""
    tiny = factors.tiny_pivots()
    return WorkflowInputError(
        f"(I - A) is singular: {tiny.size} zero or non-finite pivots in its float64 LU "
        f"factorization, the smallest at {_named(labels, tiny, factors.pivots())}. The "
        "Leontief system has no unique solution; check these sectors' rows and columns in "
        "the source table (a closed loop of sectors that sell all their output to each "
        "other, or a sector without output that still buys inputs)."
    )


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
    Each block is shared between the ``threads`` threads of ``pool`` (numpy releases the
    GIL): thread p copies and sums the p-th part of the rows and sums the p-th part of the
    columns over all rows of the block. Every row and every column is summed whole by one
    thread, in storage order, and the blocks are added in order: the sums are the same for
    any number of threads.
    """
    matrix = np.empty((n, n), dtype=dtype)
    row_sums = np.empty(n)
    column_sums = np.zeros(n)
    covered = 0
    column_parts = _row_parts(n, threads)

    def take(rows: slice, block: np.ndarray, part: int) -> None:
        local = slice(rows.start - covered, rows.stop - covered)
        row_sums[rows] = block[local].sum(axis=1)
        matrix[rows] = block[local]
        if part < len(column_parts):
            columns = column_parts[part]
            column_sums[columns] += block[:, columns].sum(axis=0)

    for rows, block in intermediate():
        if rows.start != covered:
            raise ValueError(f"row blocks of Z out of order: {rows} after row {covered}")
        parts = _row_parts(block.shape[0], threads)
        parts += [slice(block.shape[0], block.shape[0])] * (len(column_parts) - len(parts))
        list(
            pool.map(
                take,
                [slice(rows.start + p.start, rows.start + p.stop) for p in parts],
                [block] * len(parts),
                range(len(parts)),
            )
        )
        covered = rows.stop
    if covered != n:
        raise ValueError(f"row blocks of Z cover {covered} of {n} rows")
    return matrix, row_sums, column_sums


def _column_change(correction: np.ndarray, solution: np.ndarray) -> float:
    """max over columns of max|correction| / max|solution| (columns of zeros count 0)."""
    change = np.abs(correction).max(axis=0)
    scale = np.abs(solution).max(axis=0)
    relative = np.divide(change, scale, out=np.zeros_like(change), where=scale > 0)
    return float(relative.max()) if relative.size else 0.0


@dataclass(frozen=True)
class _Refinement:
    """Outcome of :func:`_refine`: ``converged``, ``steps`` taken, ``estimate`` of the
    relative error, and the last ``correction`` (n, m) added to the solution."""

    converged: bool
    steps: int
    estimate: float
    correction: np.ndarray


def _refine(
    intermediate: RowBlocks,
    factors: _Factors,
    inverse_output: np.ndarray,
    rhs: np.ndarray,
    solution: np.ndarray,
) -> _Refinement:
    """Iterative refinement of ``solution`` (n, m) in place; see the module docstring.

    Residuals are formed in float64 from the float64 blocks of Z. Stops as converged once
    the estimated relative error is below :data:`REFINED_TOLERANCE`; as not converged when a
    correction is not finite, does not shrink by half, or :data:`MAX_REFINEMENT_STEPS` pass.
    """
    previous = 1.0
    correction = np.zeros_like(solution)
    step = 0
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
                "%s refinement step %d changed X by %.3g (relative), after %.3g: not converging",
                factors.dtype,
                step,
                change,
                previous,
            )
            return _Refinement(False, step, float("nan"), correction)
        estimate = change * change / previous
        log.info(
            "refinement step %d: relative change %.3g, estimated relative error %.3g",
            step,
            change,
            estimate,
        )
        if estimate <= REFINED_TOLERANCE:
            return _Refinement(True, step, estimate, correction)
        previous = change
    log.warning("refinement did not reach %g in %d steps", REFINED_TOLERANCE, step)
    return _Refinement(False, step, float("nan"), correction)


def _unsolved_error(
    refinement: _Refinement, solution: np.ndarray, labels: Sequence[str]
) -> WorkflowInputError:
    """The error for a float64 solution that is not finite or does not converge, naming the
    sectors whose solution moved most in the last refinement step (relative to its size):
    where the system is least determined."""
    correction = np.abs(refinement.correction).max(axis=1)
    scale = np.abs(solution).max(axis=1)
    relative = np.divide(correction, scale, out=np.full_like(correction, np.inf), where=scale > 0)
    relative = np.where(np.isfinite(correction) & np.isfinite(scale), relative, np.inf)
    # Ordered by the value as printed (3 significant digits), ties in label order, so that
    # sectors whose changes differ only in the last bits are named the same way on every BLAS.
    shown = np.array([float(f"{value:.3g}") for value in relative])
    worst = np.argsort(-shown, kind="stable")
    return WorkflowInputError(
        "the Leontief system (I - A) X = Y cannot be solved accurately in float64: iterative "
        f"refinement does not converge (after {refinement.steps} steps). The solution is "
        f"least certain at {_named(labels, worst, relative)} (relative change in the last "
        "step). (I - A) is nearly singular; check these sectors' rows and columns in the "
        "source table."
    )


def _solve_float64(
    intermediate: RowBlocks,
    matrix: np.ndarray,
    inverse: np.ndarray,
    rhs: np.ndarray,
    labels: Sequence[str],
) -> tuple[np.ndarray, SolveReport]:
    """Factorize the float64 ``matrix`` = I - A (overwritten), solve and refine; a clear
    error when the factors are singular or the refined solution is not accurate."""
    factors = _factorize_(matrix)
    if factors.tiny_pivots().size:
        raise _singular_error(factors, labels)
    activity = factors.solve(rhs)
    refinement = _refine(intermediate, factors, inverse, rhs, activity)
    if not refinement.converged or not np.isfinite(activity).all():
        raise _unsolved_error(refinement, activity, labels)
    return activity, SolveReport("float64", refinement.steps, refinement.estimate, False)


def leontief_activity(
    intermediate: RowBlocks,
    final_demand_total: np.ndarray,
    rhs: np.ndarray,
    labels: Sequence[str],
    precision: str = "mixed",
    threads: int = 1,
) -> LeontiefSolution:
    """X = (I - A)^-1 rhs (n, m) and x (n,), from Z given as row blocks.

    ``final_demand_total`` (n,): final demand of every category (x = Z 1 +
    ``final_demand_total``), money units of Z. ``rhs`` (n, m): the right-hand sides, e.g.
    each purchasing region's final demand. ``threads``: threads for the element-wise passes
    over the n x n matrix (BLAS has its own pool). Peak memory: one n x n array of float32
    (``mixed``) or float64, plus a few n x m arrays and one row block of Z.
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision {precision!r} is not one of {PRECISIONS}")
    n = final_demand_total.shape[0]
    dtype = np.float32 if precision == "mixed" else np.float64
    threads = max(threads, 1)
    with ThreadPoolExecutor(max_workers=threads) as pool:
        matrix, row_sums, column_sums = _assemble(intermediate, n, dtype, pool, threads)
        x = row_sums + final_demand_total
        inverse = reciprocal_output(x)
        scale = (-inverse).astype(dtype)
        list(
            pool.map(
                _scale_columns_,
                itertools.repeat(matrix),
                itertools.repeat(scale),
                _row_parts(n, threads),
            )
        )
    input_share = column_sums * inverse
    matrix[np.diag_indices(n)] += 1.0  # I - A
    if precision == "float64":
        activity, report = _solve_float64(intermediate, matrix, inverse, rhs, labels)
        return LeontiefSolution(activity, x, input_share, column_sums, report)

    factors = _factorize_(matrix)
    del matrix
    refined = None
    if factors.tiny_pivots().size:
        log.warning("the float32 LU of I - A has near-zero pivots")
    else:
        activity = factors.solve(rhs).astype(np.float64)
        refined = _refine(intermediate, factors, inverse, rhs, activity)
    del factors
    if refined is None or not refined.converged:
        log.warning("float32 LU not accurate enough for this system; solving in float64")
        fallback = leontief_activity(
            intermediate, final_demand_total, rhs, labels, "float64", threads
        )
        report = SolveReport(
            "float64", fallback.solve.steps, fallback.solve.estimated_relative_error, True
        )
        return LeontiefSolution(fallback.activity, x, input_share, column_sums, report)
    report = SolveReport("mixed", refined.steps, refined.estimate, fell_back=False)
    return LeontiefSolution(activity, x, input_share, column_sums, report)


def embodied_emissions(
    intermediate: RowBlocks,
    final_demand_by_region: np.ndarray,
    emissions: np.ndarray,
    labels: Sequence[str],
    precision: str = "mixed",
    threads: int = 1,
    final_demand_total: np.ndarray | None = None,
    summed_columns: slice | None = None,
) -> EmbodiedEmissions:
    """Emissions of every producing sector split by the region whose final demand drives them.

    ``intermediate``: Z (n, n) intermediate flows as :data:`RowBlocks` (read once per pass,
    never modified). ``final_demand_by_region`` (n, r): y_d per column. ``emissions`` (n,):
    industry emissions f. ``labels``: n names of the sectors, for error messages.
    ``precision``: one of :data:`PRECISIONS`; ``threads``: see :func:`leontief_activity`.
    ``final_demand_total`` (n,): final demand of every category, when some categories are
    left out of ``final_demand_by_region`` (default: its row sums). ``summed_columns``: the
    columns of ``final_demand_by_region`` whose activity (I - A)^-1 y is kept, summed over
    them, before it is turned into emissions (for value added induced by that demand).
    Money and emission units are the caller's; the result carries the emission unit.
    """
    total = final_demand_by_region.sum(axis=1) if final_demand_total is None else final_demand_total

    solution = leontief_activity(
        intermediate, total, final_demand_by_region, labels, precision, threads
    )
    activity, x = solution.activity, solution.output
    summed = None if summed_columns is None else activity[:, summed_columns].sum(axis=1)
    lost = (x == 0) & (emissions != 0)
    activity *= (emissions * reciprocal_output(x))[:, None]
    return EmbodiedEmissions(
        by_destination=activity,
        output=x,
        input_share=solution.input_share,
        intermediate_inputs=solution.intermediate_inputs,
        lost=lost,
        solve=solution.solve,
        summed_activity=summed,
    )
