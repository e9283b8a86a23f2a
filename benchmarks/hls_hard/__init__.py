"""``hls-hard``: HLS-specific bugs written by hand (issue 15), half the items correct kernels.

Each kernel under ``kernels/`` is a control (its ``kernel.cpp`` passes its self-checking
testbench) and carries one hand-written buggy variant listed in its ``meta.toml`` (``[[bugs]]``:
edits, ground-truth line spans and types; :func:`harness.families.hls.build.load_bugs`). The
bugs are HLS-specific: ``ap_fixed`` overflow and quantisation modes, ``ap_int`` width and sign,
stream order across a dataflow region, line buffers and windows, symptoms that need particular
inputs, two bugs in one item, bugs in designs of several functions. Item ids are neutral
(``<kernel>/a`` or ``<kernel>/b``), so an id does not say which item is the control.

The prompt is the family's, except that it says a kernel holds at most two bugs: naming either
bug's line and type scores, and the fix must remove both. Options as for ``hls-bugs``.
"""
from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from harness.families.hls.items import HlsItem
from harness.families.hls.prompt import ANSWER_FORMAT, SYSTEM, number_lines, type_list
from harness.families.hls.suite import KernelHlsSuite
from harness.families.hls.taxonomy import BUG_TYPES
from harness.types import Problem, Prompt

KERNELS_DIR = Path(__file__).parent / "kernels"
__all__ = ["KERNELS_DIR", "HlsHardSuite", "build_hard_prompt"]

TASK = ("The HLS kernel below is either correct or contains functional bugs (one, or at most two). Find out "
        "which; if it is buggy, give the line and type of one bug (either, if there are two) and fix kernel.cpp "
        "so that it has no bug left.")
CONTEXT = ("The specification is the comment in kernel.h. Pragmas (#pragma HLS) do not change what the C++ code "
           "computes; the fix is checked by compiling and running it (C simulation with the ap_int/ap_fixed/"
           "hls_stream headers) against a hidden self-checking testbench.")


def build_hard_prompt(item: HlsItem) -> str:
    """The user message of an hls-hard item: task, bug types, kernel.h, numbered kernel.cpp, answer format."""
    parts = [TASK, CONTEXT, "Bug types:\n" + type_list(BUG_TYPES)]
    if item.header is not None:
        parts.append("kernel.h (correct, for reference; it is not to be changed):\n```cpp\n" + item.header.rstrip()
                     + "\n```")
    parts.append("kernel.cpp (line numbers added for reference, they are not part of the code):\n```\n"
                 + number_lines(item.code) + "\n```")
    parts.append(ANSWER_FORMAT.replace('"line": the line number (as numbered above) of the bug',
                                       '"line": the line number (as numbered above) of a bug'))
    return "\n\n".join(parts) + "\n"


class HlsHardSuite(KernelHlsSuite):
    name = "hls-hard"
    version = "3"
    description = "Hand-written HLS-specific bugs (ap_fixed modes, ap_int widths, streams, line buffers); fixes C-simulated"
    takes_data: ClassVar[str] = "none"

    kernels_dir = KERNELS_DIR

    def prompt(self, problem: Problem) -> Prompt:
        return Prompt.user(build_hard_prompt(self.items()[problem.id]), system=SYSTEM)
