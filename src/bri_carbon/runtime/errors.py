"""Exceptions whose messages name the offending file or key and say how to fix it."""

import contextlib
from collections.abc import Callable, Iterator


class WorkflowInputError(ValueError):
    """An input file or config value cannot be used; the message says which and what to do."""


class AccountingIdentityError(RuntimeError):
    """A computed result breaks an accounting identity beyond the configured tolerance."""


@contextlib.contextmanager
def stop_on_input_error(report: Callable[[str], object]) -> Iterator[None]:
    """Turn a :class:`WorkflowInputError` raised inside the block into its message, handed
    to ``report`` (e.g. Snakemake's ``logger.error``), and exit status 1: a check before any
    job ends in its one paragraph, without a Python traceback."""
    try:
        yield
    except WorkflowInputError as err:
        report(str(err))
        raise SystemExit(1) from None
