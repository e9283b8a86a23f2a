"""One small exception hierarchy. The CLI maps them to exit codes (DESIGN.md)."""
from __future__ import annotations


class HwevalError(Exception):
    """Base class of every error the harness raises on purpose."""

    exit_code = 1


class UsageError(HwevalError):
    """A user mistake: bad flag, unknown suite, malformed input file. Exit code 2."""

    exit_code = 2


class DataError(UsageError):
    """A dataset or replay file is malformed; the message names the file (and line/field)."""


class ToolMissingError(UsageError):
    """An external tool (simulator, compiler, sandbox) is not installed; says how to install it."""


class InfraError(HwevalError):
    """The harness or one of its tools failed; never counted against the model."""


class BackendError(HwevalError):
    """A model backend failed after its retries (dead server, bad key...)."""
