"""Red team round 8, S2: sandboxed code made 32 nested folders with 200-character names; copying
its folder back raised ENAMETOOLONG (the joined path passed PATH_MAX) and the sample became
``infra_error``, dropped from the score. Entries the copy cannot reach are now left out, like a
link, and everything else comes back."""
from __future__ import annotations

import os
from pathlib import Path

from harness.sandbox.scratch import copy_regular_tree


def _deep_tree(root: Path, levels: int = 32, width: int = 200) -> None:
    """``levels`` nested folders of ``width``-character names under ``root``, made by chdir so no
    single path passes PATH_MAX while making them, with a file at the bottom."""
    here = os.getcwd()
    try:
        os.chdir(root)
        for i in range(levels):
            name = f"{i:03d}" + "d" * (width - 3)
            os.mkdir(name)
            os.chdir(name)
        Path("bottom.txt").write_text("x")
    finally:
        os.chdir(here)


def test_a_tree_deeper_than_path_max_is_left_out_not_raised(tmp_path: Path) -> None:
    src, dst = tmp_path / "src", tmp_path / "dst"
    src.mkdir()
    (src / "result.txt").write_text("kept")
    _deep_tree(src)
    skipped = copy_regular_tree(src, dst)
    assert skipped >= 1
    assert (dst / "result.txt").read_text() == "kept"
