"""A lazy registry over entry points.

Groups: ``hweval.suites``, ``hweval.backends``, ``hweval.sandboxes``. Built-in plugins are
registered in hweval's own pyproject.toml exactly like third-party ones. Nothing is imported
until a run asks for it by name, so a plugin that fails to import breaks only those runs.

:func:`registered` adds an object for the duration of a ``with`` block, in this process only
(embedding hweval in a notebook or a test, e.g. ``tests/core/test_pipeline.py``): it shadows an
entry point of the same name and is listed like one.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from harness.errors import UsageError

GROUPS = {"suites": "hweval.suites", "backends": "hweval.backends", "sandboxes": "hweval.sandboxes"}


#: objects registered in this process (:func:`registered`): kind -> name -> object
_LOCAL: dict[str, dict[str, Any]] = {kind: {} for kind in GROUPS}
_LOCK = threading.Lock()


class PluginLoadError(UsageError):
    """A registered plugin could not be imported; only runs that ask for it fail."""


@contextmanager
def registered(kind: str, name: str, obj: Any) -> Iterator[Any]:
    """Make ``obj`` the plugin ``name`` of ``kind`` (suites, backends, sandboxes) inside the block."""
    if kind not in GROUPS:
        raise UsageError(f"unknown plugin kind {kind!r}; choose {', '.join(GROUPS)}")
    with _LOCK:
        previous = _LOCAL[kind].get(name)
        _LOCAL[kind][name] = obj
    try:
        yield obj
    finally:
        with _LOCK:
            if previous is None:
                _LOCAL[kind].pop(name, None)
            else:
                _LOCAL[kind][name] = previous


def _entry_points(kind: str) -> dict[str, EntryPoint]:
    group = GROUPS[kind]
    found: dict[str, EntryPoint] = {}
    for ep in entry_points(group=group):
        found.setdefault(ep.name, ep)
    return found


def names(kind: str) -> list[str]:
    """Registered plugin names of one kind (suites, backends, sandboxes), sorted; imports nothing."""
    return sorted(set(_entry_points(kind)) | set(_LOCAL[kind]))


def describe(kind: str) -> list[dict[str, str]]:
    """Name and target of each plugin, for ``hweval list``; imports nothing."""
    rows = {n: {"name": n, "target": ep.value, "distribution": getattr(ep.dist, "name", "") or ""}
            for n, ep in _entry_points(kind).items()}
    for n, obj in _LOCAL[kind].items():
        rows[n] = {"name": n, "target": f"{getattr(obj, '__module__', '?')}:{getattr(obj, '__qualname__', obj)}",
                   "distribution": "(registered in-process)"}
    return [rows[n] for n in sorted(rows)]


def load(kind: str, name: str) -> Any:
    """The object registered as ``name`` (a class), importing its module now."""
    local = _LOCAL[kind].get(name)
    if local is not None:
        return local
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
