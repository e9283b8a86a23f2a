"""Accelerator devices a sandboxed command may be given (``Sandbox.run(..., devices=...)``).

A suite that needs a GPU says so in ``Suite.resources`` (``{"GPU": 1}``); the family evaluator
then passes :func:`gpu_devices` to the sandbox, which makes exactly those device nodes visible
(bubblewrap ``--dev-bind``, Docker ``devices=``) and nothing else of the host's ``/dev``. The
driver's user-space libraries live under ``/usr`` (already visible read-only); the few that do
not are added by :func:`gpu_library_paths`.
"""
from __future__ import annotations

import glob
import os
import stat
from pathlib import Path

#: Device nodes of the NVIDIA driver: control, unified memory, capabilities, one per GPU.
NVIDIA_GLOBS = ("/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools", "/dev/nvidia-modeset",
                "/dev/nvidia[0-9]*", "/dev/nvidia-caps/nvidia-cap[0-9]*")
#: Where driver libraries may live outside /usr (container toolkits, some distributions).
LIBRARY_DIRS = ("/usr/local/nvidia", "/usr/local/cuda", "/opt/nvidia", "/run/nvidia")


def is_device(path: str) -> bool:
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISBLK(mode)


def gpu_devices() -> list[str]:
    """The NVIDIA device nodes of this host, sorted; empty on a machine without a GPU driver."""
    found: set[str] = set()
    for pattern in NVIDIA_GLOBS:
        found.update(p for p in glob.glob(pattern) if is_device(p))
    return sorted(found)


def gpu_library_paths() -> list[Path]:
    """Folders outside /usr with driver or CUDA libraries, to be bound read-only."""
    return [Path(d) for d in LIBRARY_DIRS if os.path.isdir(d)]


def check_devices(devices: list[str] | tuple[str, ...]) -> str | None:
    """None when every requested path is a device node here, else a one-line reason."""
    missing = [d for d in devices if not is_device(d)]
    if missing:
        return f"requested device(s) not present on this host: {', '.join(missing)}"
    return None
