"""Which ``torch.*`` paths reach a module object (``ModelNew.__init__`` may call any torch function).

``__init__`` builds weights with any torch call, but ``torch`` re-exports whole stdlib modules
(``torch.sys``, ``torch.os``, ``torch.serialization.pickle``): ``torch.sys.modules["builtins"]``
reaches ``exec``. A path is judged against the installed torch (the harness imports it anyway to
compare outputs): every object along it that is a module must be torch's own, and the path may not
end on a module (a module as a value is a namespace to walk later, out of sight).
"""
from __future__ import annotations

import functools
import importlib
import types


@functools.lru_cache(maxsize=4096)
def module_on_path(path: str) -> str | None:
    """The first prefix of the dotted ``path`` that is a foreign module, or the whole path when it
    names a module; None when neither (or when the name does not resolve: an AttributeError at run
    time, not a way out)."""
    parts = path.split(".")
    if any(p.startswith("_") for p in parts):
        return None  # private and dunder names are rejected by their own rule
    try:
        obj: object = importlib.import_module(parts[0])
    except ImportError:
        return None
    for i in range(1, len(parts)):
        try:
            obj = getattr(obj, parts[i])
        except Exception:  # noqa: BLE001 - a missing name fails when the answer runs
            return None
        if isinstance(obj, types.ModuleType):
            name = obj.__name__
            if not (name == parts[0] or name.startswith(parts[0] + ".")) or i == len(parts) - 1:
                return ".".join(parts[:i + 1])
    return None
