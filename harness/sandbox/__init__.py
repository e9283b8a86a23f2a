"""Sandboxes run untrusted candidate code: ``Sandbox.run(cmd, files, limits) -> ExecResult``."""
from __future__ import annotations

from harness.sandbox.base import ExecResult, Limits, Sandbox, scrubbed_env

__all__ = ["ExecResult", "Limits", "Sandbox", "scrubbed_env"]
