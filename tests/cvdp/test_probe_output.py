"""The CVDP probe reads the probe run's output as it comes (``probe.tagged_lines``): the lines that
hold its tag are exactly those of the whole output decoded and split, and the rest is not kept."""
from __future__ import annotations

import random
import subprocess
from pathlib import Path

import pytest

from benchmarks.cvdp.probe import tagged_lines

TAG = "HWEVAL_PROBE_ab12"
# bytes an answer could print around the probe's lines: every line break str.splitlines knows,
# invalid and cut UTF-8, the tag alone, cut short, and a probe line
PIECES = [b"x", b" ", b"\n", b"\r", b"\r\n", b"\x0b", b"\x0c", b"\x1c", b"\xc2\x85", b"\xe2\x80\xa8", b"\x85",
          b"\xe2\x82", b"\xff", TAG.encode(), TAG.encode()[:5], b" mod P:W 8", b"\n" + TAG.encode() + b" m W:a 3\n"]


def _whole(data: bytes) -> list[str]:
    """What the probe read before: the whole output, decoded and split."""
    return [line for line in data.decode(errors="replace").splitlines() if TAG in line]


def test_the_tagged_lines_are_those_of_the_whole_output(tmp_path: Path) -> None:
    rng = random.Random(5)
    out = tmp_path / "out.bin"
    for n, times in ((0, 1), (1, 20), (5, 40), (50, 40), (2000, 10), (250_000, 1)):  # the last: reads of 1 MB
        for _ in range(times):
            data = b"".join(rng.choices(PIECES, k=n))
            out.write_bytes(data)
            got = tagged_lines(["cat", str(out)], tmp_path, TAG)
            assert [line for line in got if TAG in line] == _whole(data), n


def test_a_flood_around_the_probe_line_is_not_kept(tmp_path: Path) -> None:
    flood = tmp_path / "flood.bin"
    flood.write_bytes((b"X" * 2000 + b"\n") * 10_000 + b"\n" + TAG.encode() + b" m W:a 3\n" + b"Y" * 3_000_000)
    assert tagged_lines(["cat", str(flood)], tmp_path, TAG) == [f"{TAG} m W:a 3"]


def test_a_run_past_its_time_is_killed(tmp_path: Path) -> None:
    with pytest.raises(subprocess.TimeoutExpired):
        tagged_lines(["sleep", "30"], tmp_path, TAG, timeout=0.5)
