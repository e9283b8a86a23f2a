"""A lazy registry over entry points.

Groups: ``hweval.suites``, ``hweval.backends``, ``hweval.sandboxes``. Built-in plugins are
registered in hweval's own pyproject.toml exactly like third-party ones. Nothing is imported
until a run asks for it by name, so a plugin that fails to import breaks only those runs.
"""
from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points
from typing import Any

from harness.errors import UsageError

GROUPS = {"suites": "hweval.suites", "backends": "hweval.backends", "sandboxes": "hweval.sandboxes"}


class PluginLoadError(UsageError):
    """A registered plugin could not be imported; only runs that ask for it fail."""


def _entry_points(kind: str) -> dict[str, EntryPoint]:
    group = GROUPS[kind]
    found: dict[str, EntryPoint] = {}
    for ep in entry_points(group=group):
        found.setdefault(ep.name, ep)
    return found


def names(kind: str) -> list[str]:
    """Registered plugin names of one kind (suites, backends, sandboxes), sorted; imports nothing."""
    return sorted(_entry_points(kind))


def describe(kind: str) -> list[dict[str, str]]:
    """Name and target of each plugin, for ``hweval list``; imports nothing."""
    return [{"name": n, "target": ep.value, "distribution": getattr(ep.dist, "name", "") or ""}
            for n, ep in sorted(_entry_points(kind).items())]


def load(kind: str, name: str) -> Any:
    """The object registered as ``name`` (a class), importing its module now."""
    eps = _entry_points(kind)
    if name not in eps:
        known = ", ".join(sorted(eps)) or "none"
        singular = kind[:-2] if kind.endswith("xes") else kind[:-1]
        raise UsageError(f"unknown {singular} {name!r}; known {kind}: {known}")
    try:
        return eps[name].load()
    except Exception as exc:  # noqa: BLE001 - any import failure of a plugin is reported, not raised raw
        raise PluginLoadError(f"{kind[:-1]} plugin {name!r} ({eps[name].value}) failed to import: "
                              f"{type(exc).__name__}: {exc}") from exc
