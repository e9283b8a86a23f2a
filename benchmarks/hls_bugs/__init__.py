"""``hls-bugs``: find, locate, classify and fix bugs in HLS C++ kernels (issue 7).

Items come from the kernels under ``kernels/`` (each with a self-checking testbench): the
bug-free originals are controls, and one mutation variant per kernel that C-simulation catches
is its buggy item, so half the items are correct kernels
(:class:`harness.families.hls.suite.KernelHlsSuite`). ``chrysalis-hls`` serves a Chrysalis-HLS
checkout (``-S data=<path>`` or ``--data``) scored on detection, localisation and type only.

Options: ``--hls-include DIR`` (or ``-S hls_include=DIR``: the folder with ap_int.h..., e.g. a
Vitis include folder; default hls4ml's copy), ``-S timeout=S`` (seconds per testbench run),
``-S hls_cache=DIR`` (where the item list is cached; default ``$HWEVAL_CACHE/hls``, where the
evaluation keeps its compile cache too).

A model's fixed kernel is compiled and run only through ``ctx.sandbox``
(:func:`harness.families.hls.sandboxed.sandbox_runner`); compile-cache hits run nothing.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from harness.errors import DataError, UsageError
from harness.families.hls.chrysalis import ChrysalisLoad, load_chrysalis
from harness.families.hls.items import HlsItem
from harness.families.hls.suite import HlsSuite, KernelHlsSuite

KERNELS_DIR = Path(__file__).parent / "kernels"
__all__ = ["KERNELS_DIR", "ChrysalisHlsSuite", "HlsBugsSuite", "HlsSuite", "KernelHlsSuite"]


class HlsBugsSuite(KernelHlsSuite):
    name = "hls-bugs"
    version = "1"
    description = "Find, locate, classify and fix seeded bugs in HLS C++ kernels; fixes are C-simulated"
    takes_data: ClassVar[str] = "none"

    kernels_dir = KERNELS_DIR


class ChrysalisHlsSuite(HlsSuite):
    name = "chrysalis-hls"
    version = "1"
    description = "Chrysalis-HLS bug records applied to their designs; detection, localisation and type only"
    takes_data: ClassVar[str] = "required"
    options_schema: ClassVar[dict[str, str]] = {**HlsSuite.options_schema,
                                                "data": "the Chrysalis-HLS checkout (same as --data)"}
    executes_fixes = False
    scope = ("detection, localisation and bug type only: Chrysalis-HLS has no testbenches, so fixes are not "
             "executed and fix@exec is not scored; pass@k counts an answer that detects and locates the bug "
             "(or clears a bug-free control)")
    _load: ChrysalisLoad | None = None

    def load_items(self) -> list[HlsItem]:
        path = self.options.data or self.options.get("data")
        if not path:
            raise UsageError("chrysalis-hls needs --data <Chrysalis-HLS checkout>")
        if not Path(path).is_dir():
            raise DataError(f"--data {path}: not a folder (expected a Chrysalis-HLS checkout)")
        self._load = load_chrysalis(Path(path))
        if not self._load.items:
            raise DataError(f"--data {path}: no HLS_Bug_Dataset/<suite>/<design>/Source_Code found")
        return self._load.items

    def suite_metrics(self, records: Sequence[dict[str, Any]]) -> dict[str, Any]:
        out = super().suite_metrics(records)
        self.items()
        if self._load is not None:
            out["hls"]["chrysalis_records"] = self._load.records
            out["hls"]["chrysalis_loaded"] = self._load.records - self._load.skipped
            out["hls"]["chrysalis_skipped"] = self._load.skipped
            out["hls"]["chrysalis_skipped_by_reason"] = dict(sorted(self._load.skipped_by_reason.items()))
            out["hls"]["chrysalis_skipped_ids"] = sorted(self._load.skipped_reasons)
        return out
