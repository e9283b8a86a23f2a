"""hweval: an evaluation harness for LLM-written hardware code.

Importing this package has no side effects: suites, backends and sandboxes are loaded lazily
through the entry-point registry (:mod:`harness.registry`).
"""
from __future__ import annotations

__version__ = "0.1.0"

#: Version of the public plugin interfaces (Suite, Backend, Sandbox and the core records).
#: A plugin can check ``harness.PLUGIN_API_VERSION >= N``; it changes only on breaking changes.
PLUGIN_API_VERSION = 1

__all__ = ["PLUGIN_API_VERSION", "__version__"]
