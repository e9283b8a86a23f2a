"""CVDP's own evaluation of one answer, without Docker: the oracle the agreement test compares with.

CVDP's runner (src/repository.py) writes ``input.context`` and then the answer's files under the
container's ``/code`` (rtl/, verif/, docs/, rundir/), the harness files under the harness folder
mounted at ``/src``, and runs every docker-compose service's command (``pytest -s ...
/src/test_runner.py``) with the service's ``env_file`` in ``/code/rundir``; a service passes when
its command exits 0. This does the same with a plain subprocess on the host (no sandbox, no
integrity rules, no hweval code), mapping ``/code`` and ``/src`` to a temporary folder.
"""
from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml


def _env_file(text: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            out[key.strip()] = value.strip()
    return out


def cvdp_passes(record: dict[str, Any], answer_files: dict[str, str], folder: Path) -> bool:
    code, src = folder / "code", folder / "harness"
    for sub in ("docs", "rundir", "rtl", "verif"):
        (code / sub).mkdir(parents=True, exist_ok=True)
    for name, text in {**record["input"]["context"], **answer_files}.items():
        (code / name).parent.mkdir(parents=True, exist_ok=True)
        (code / name).write_text(text)
    for name, text in record["harness"]["files"].items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(text)
    compose = yaml.safe_load(record["harness"]["files"]["docker-compose.yml"])
    for service in compose["services"].values():
        env = _env_file((src / service["env_file"]).read_text())
        env = {k: v.replace("/code/", f"{code}/").replace("/src", f"{src}/src") for k, v in env.items()}
        argv = shlex.split(service["command"])
        argv = [a.replace("/src/", f"{src}/src/") for a in argv if not a.startswith("cache_dir")]
        argv = [a for a in argv if a != "-o"]
        # the pytest plugins of this test environment (xdist, anyio...) are no part of CVDP's image:
        # not loaded, neither by pytest nor by cocotb's pytest inside each simulation (as in hweval's job)
        proc = subprocess.run([sys.executable, "-m", *argv], cwd=code / "rundir",
                              env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", **env},
                              capture_output=True, text=True, timeout=300)
        if proc.returncode != 0:
            return False
    return True
