"""``hweval new-suite NAME --family verilog|kernel|hls``: scaffold a plugin package in ./NAME.

The package is installable as it is (``pip install -e NAME``), registers its suite under the
``hweval.suites`` entry-point group, holds one example problem with its golden solution (so the
``reference`` backend scores pass@1 = 1.0) and a test that checks exactly that. Templates live
in ``templates/<family>/`` and ``templates/common/``; ``__package__`` in a path becomes the
Python package name, the ``.tmpl`` suffix every template file carries (so that no tool
mistakes a template for code of hweval's own) is dropped, and ``{{key}}`` is replaced by the
values of :func:`variables` (other double braces are left alone).
"""
from __future__ import annotations

import argparse
import importlib.util
import keyword
import logging
import re
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from harness import PLUGIN_API_VERSION, __version__, registry
from harness.errors import UsageError

log = logging.getLogger(__name__)

FAMILIES = ("verilog", "kernel", "hls")
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")
TEMPLATE_SUFFIX = ".tmpl"


@dataclass(frozen=True)
class FamilyTemplate:
    example: str  # folder of the example problem, under problems/
    description: str
    layout: str  # the problem-folder layout, for the package README
    wrong_answer: str  # a response the example's checks must not pass
    wrong_status: str  # the Status member that response gets
    example_id: str = ""  # id of the problem the wrong answer is tried on (default: ``example``)


_VERILOG_WRONG = """A counter that ignores its enable:

```verilog
module counter4(input clk, input rst, input en, output reg [3:0] q);
  always @(posedge clk)
    if (rst) q <= 4'd0;
    else q <= q + 4'd1;
endmodule
```
"""

_KERNEL_WRONG = """```python
import torch.nn as nn


class ModelNew(nn.Module):
    def forward(self, x):
        return 2.0 * x + 1.0  # plain PyTorch: no custom kernel
```
"""

_HLS_WRONG = """There is an out-of-bounds access on line 5.

```json
{"buggy": true, "line": 5, "type": "OOB", "fix": null}
```
"""

TEMPLATES: dict[str, FamilyTemplate] = {
    "verilog": FamilyTemplate(
        "counter4", "Verilog problems checked with cocotb",
        "- `meta.toml`: `id`, `top` (the module the model must write), optional `category`, `difficulty`\n"
        "- `spec.md`: the task as the model reads it (give the exact module interface)\n"
        "- `ref.v`: the golden solution\n"
        "- `tb.py`: the cocotb test; a failed `assert` is a `fail` verdict",
        _VERILOG_WRONG, "FAIL"),
    "kernel": FamilyTemplate(
        "scale_shift", "PyTorch operators to rewrite as Triton or CUDA kernels",
        "- `reference.py`: `Model`, `get_inputs()`, `get_init_inputs()`, optional `CONFIGS` and `DISTS`\n"
        "- `solution_triton.py`, `solution_cuda.py`: the golden `ModelNew`\n"
        "- `meta.toml`: `id`, `[tolerance.<dtype>]`, `[perf]` work per call",
        _KERNEL_WRONG, "REJECTED"),
    "hls": FamilyTemplate(
        "clip_sum", "HLS C++ kernels with seeded bugs to find, locate, classify and fix",
        "- `kernel.cpp`: the correct kernel; `kernel.h`: types and prototype\n"
        "- `tb.cpp`: self-checking testbench printing `TB PASS` (it must fail on the seeded bugs)\n"
        "- `meta.toml`: `name`, `top`, `category`, `description`\n\n"
        "Each kernel gives two items: `<folder>/control` (bug-free) and one seeded bug that\n"
        "C-simulation catches, found when the suite first loads and cached under `$HWEVAL_CACHE/hls`",
        _HLS_WRONG, "FAIL", "clip_sum/control"),
}


def register(sub: Any) -> None:
    """Add ``hweval new-suite``."""
    from harness.cli import opt

    p = sub.add_parser("new-suite", help="scaffold an installable suite plugin package in ./NAME")
    p.set_defaults(func=cmd_new_suite)
    p.add_argument("name", help="suite name (also the folder and distribution name), e.g. my-rtl-bench")
    opt(p, "--family", default="verilog", choices=list(FAMILIES), help="which family's evaluator the suite uses")


def cmd_new_suite(args: argparse.Namespace) -> int:
    target = new_suite(args.name, args.family, Path.cwd())
    print(f"created {target}: install it with `pip install -e {target}`, then "
          f"`hweval run --suite {args.name} --model reference`")
    return 0


def variables(name: str, family: str) -> dict[str, str]:
    """The ``{{key}}`` values of the templates for suite ``name``."""
    tmpl = TEMPLATES[family]
    package = name.replace("-", "_")
    return {
        "name": name, "package": package, "family": family, "example": tmpl.example,
        "example_id": tmpl.example_id or tmpl.example,
        "class_name": "".join(part.capitalize() for part in package.split("_")) + "Suite",
        "description": tmpl.description, "layout": tmpl.layout,
        "wrong_answer": '"""' + tmpl.wrong_answer + '"""', "wrong_status": tmpl.wrong_status,
        "api_version": str(PLUGIN_API_VERSION), "hweval_version": __version__,
    }


def _walk(node: Traversable, rel: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Traversable]]:
    out: list[tuple[tuple[str, ...], Traversable]] = []
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        if child.name == "__pycache__":
            continue
        if child.is_dir():
            out.extend(_walk(child, (*rel, child.name)))
        else:
            out.append(((*rel, child.name), child))
    return out


def render(text: str, values: dict[str, str]) -> str:
    return re.sub(r"\{\{(\w+)\}\}", lambda m: values.get(m.group(1), m.group(0)), text)


def new_suite(name: str, family: str, parent: Path) -> Path:
    """Write the plugin package for suite ``name`` to ``parent / name``; returns that folder."""
    if not NAME_RE.match(name):
        raise UsageError(f"new-suite NAME {name!r}: use lower-case letters, digits, '-' or '_', "
                         "starting with a letter (e.g. my-rtl-bench)")
    if family not in TEMPLATES:
        raise UsageError(f"--family {family!r}: choose one of {', '.join(FAMILIES)}")
    package = name.replace("-", "_")
    if keyword.iskeyword(package) or importlib.util.find_spec(package) is not None:
        raise UsageError(f"new-suite NAME {name!r}: a Python module named {package!r} already exists; "
                         "pick a more specific name (e.g. prefix it with your organisation)")
    if name in registry.names("suites"):
        raise UsageError(f"new-suite NAME {name!r}: a suite of that name is already registered "
                         "(see `hweval list suites`)")
    target = parent / name
    if target.exists() and any(target.iterdir()):
        raise UsageError(f"{target} already exists and is not empty: pick another NAME or remove it")
    values = variables(name, family)
    root = files("harness.scaffold") / "templates"
    written = []
    for sub in ("common", family):
        for rel, node in _walk(root / sub):
            parts = [p.replace("__package__", values["package"]) for p in rel]
            parts[-1] = parts[-1].removesuffix(TEMPLATE_SUFFIX)
            dest = target.joinpath(*parts)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(render(node.read_text(encoding="utf-8"), values), encoding="utf-8")
            written.append(dest)
    log.info("new-suite %s (%s): wrote %d files under %s", name, family, len(written), target)
    return target
