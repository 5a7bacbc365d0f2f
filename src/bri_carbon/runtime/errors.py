"""Exceptions whose messages name the offending file or key and say how to fix it."""


class WorkflowInputError(ValueError):
    """An input file or config value cannot be used; the message says which and what to do."""


class AccountingIdentityError(RuntimeError):
    """A computed result breaks an accounting identity beyond the configured tolerance."""
