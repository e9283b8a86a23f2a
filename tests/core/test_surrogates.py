"""A completion holding a lone surrogate (a model's ``\\ud800`` escape) is kept as U+FFFD: it stopped
a whole run with a UnicodeEncodeError when its journal line was written (red team round 5)."""
from __future__ import annotations

import json
from pathlib import Path

from harness.results import COMPLETIONS, completion_to_json, read_completions
from harness.types import Completion, utf8_safe


def test_lone_surrogates_become_the_replacement_character() -> None:
    assert utf8_safe("a\ud800b") == "a\ufffdb"
    assert utf8_safe("\ud83d\ude00") == "\U0001f600"  # a split pair rejoins, as JSON decoding does
    assert utf8_safe("plain ascii") == "plain ascii"
    c = Completion("s", "p", 0, "module m;\n// \udfff\nendmodule", feedback="\ud800")
    assert c.completion == "module m;\n// \ufffd\nendmodule" and c.feedback == "\ufffd"


def test_the_journal_line_is_written_and_read_back(tmp_path: Path) -> None:
    c = Completion("verilog-core", "and_gate", 0, "```verilog\n// \ud800\n```")
    line = json.dumps(completion_to_json(c), ensure_ascii=False)
    (tmp_path / COMPLETIONS).write_bytes(line.encode("utf-8") + b"\n")
    back = list(read_completions(tmp_path))
    assert len(back) == 1 and "\ufffd" in back[0].completion
