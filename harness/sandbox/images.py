"""Docker images of the sandbox: names, which family uses which, and the offline build.

No image registry is involved: the base is a debootstrap root file system imported with
``docker import`` (``sandboxes/base/build-base.sh``), the family images come from the
Dockerfiles in ``sandboxes/<profile>/`` built FROM it. Each image carries the hash of its recipe
as a label, so a build is skipped when the image is already there and up to date.
"""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import ToolMissingError, UsageError

log = logging.getLogger(__name__)

BASE_IMAGE = "hweval/base:bookworm"
PROFILES = ("rtl", "hls", "kernels")
DEFAULT_PROFILE = "rtl"
RECIPE_LABEL = "hweval.recipe"
#: Words in a command that tell which family image should run it; the first match wins.
PROFILE_HINTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("kernels", ("kernel", "triton", "torch", "nvcc", "cuda")),
    ("hls", ("hls", "g++", "gcc", "clang", "c++")),
    ("rtl", ("cocotb", "iverilog", "vvp", "yosys", "verilator", "synth")),
)


def image_name(profile: str) -> str:
    return f"hweval/{profile}:latest"


def profile_for(cmd: Sequence[str]) -> str:
    """The family image a command belongs to, from the job module or tool it names."""
    words = " ".join(os.path.basename(str(c)) for c in cmd).lower()
    for profile, hints in PROFILE_HINTS:
        if any(h in words for h in hints):
            return profile
    return DEFAULT_PROFILE


def recipes_dir() -> Path:
    """``sandboxes/`` of the source checkout (HWEVAL_SANDBOXES overrides)."""
    env = os.environ.get("HWEVAL_SANDBOXES")
    if env:
        return Path(env)
    import harness

    return Path(harness.__file__).resolve().parent.parent / "sandboxes"


def _hash_files(paths: Sequence[Path], extra: str = "") -> str:
    h = hashlib.sha256(extra.encode())
    for p in sorted(paths):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def base_recipe(root: Path) -> str:
    settings = ",".join(os.environ.get(k, "") for k in ("HWEVAL_DEBIAN_SUITE", "HWEVAL_BASE_PACKAGES"))
    return _hash_files([root / "base" / "build-base.sh"], settings)


def profile_recipe(root: Path, profile: str, base_id: str) -> str:
    folder = root / profile
    return _hash_files([p for p in folder.rglob("*") if p.is_file()], base_id)


@dataclass
class BuildReport:
    image: str
    action: str  # built | up-to-date | failed
    detail: str = ""


def _image_or_none(client: Any, name: str) -> Any:
    import docker

    try:
        return client.images.get(name)
    except docker.errors.ImageNotFound:
        return None


def build_images(client: Any, profiles: Sequence[str] = PROFILES, *, force: bool = False,
                 root: Path | None = None) -> list[BuildReport]:
    """Build the base image (debootstrap) and the family images that are missing or stale."""
    root = root or recipes_dir()
    script = root / "base" / "build-base.sh"
    if not script.is_file():
        raise UsageError(f"{script} not found: `hweval sandbox build` needs the source tree's sandboxes/ "
                         f"folder (or HWEVAL_SANDBOXES=DIR)")
    unknown = [p for p in profiles if not (root / p / "Dockerfile").is_file()]
    if unknown:
        raise UsageError(f"--profiles: no Dockerfile for {', '.join(unknown)} under {root} "
                         f"(known: {', '.join(PROFILES)})")
    reports = []
    recipe = base_recipe(root)
    base = _image_or_none(client, BASE_IMAGE)
    if force or base is None or base.labels.get(RECIPE_LABEL) != recipe:
        for tool in ("debootstrap", "docker"):
            if shutil.which(tool) is None:
                raise ToolMissingError(f"{tool} not found: apt-get install debootstrap docker.io")
        log.info("building %s with debootstrap (a few minutes the first time)", BASE_IMAGE)
        proc = subprocess.run(["bash", str(script), BASE_IMAGE, f"{RECIPE_LABEL}={recipe}"], capture_output=True,
                              text=True)
        if proc.returncode != 0:
            reports.append(BuildReport(BASE_IMAGE, "failed", (proc.stderr or proc.stdout).strip()[-2000:]))
            return reports
        base = client.images.get(BASE_IMAGE)
        reports.append(BuildReport(BASE_IMAGE, "built", base.id))
    else:
        reports.append(BuildReport(BASE_IMAGE, "up-to-date", base.id))
    for profile in profiles:
        name = image_name(profile)
        recipe = profile_recipe(root, profile, base.id)
        img = _image_or_none(client, name)
        if not force and img is not None and img.labels.get(RECIPE_LABEL) == recipe:
            reports.append(BuildReport(name, "up-to-date", img.id))
            continue
        try:
            img, _ = client.images.build(path=str(root / profile), tag=name, rm=True, forcerm=True, pull=False,
                                         network_mode="none", labels={RECIPE_LABEL: recipe})
        except Exception as exc:  # noqa: BLE001 - reported per image, the others still build
            reports.append(BuildReport(name, "failed", str(exc)[-2000:]))
            continue
        reports.append(BuildReport(name, "built", img.id))
    return reports


def image_digests(client: Any) -> dict[str, str]:
    """Image name -> id of the family images present (recorded in config.json)."""
    out = {}
    for profile in PROFILES:
        img = _image_or_none(client, image_name(profile))
        if img is not None:
            out[image_name(profile)] = img.id
    return out
