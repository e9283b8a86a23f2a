"""Red team 12 R2: answer text that crashed the trusted integrity scan inside the job.

``definition_items`` read one token past the end when a definition keyword (``class``) was the
answer's last token; the IndexError left ``check_candidate`` as the job's own failure, kind
``harness``, so a wrong answer was ``infra_error`` and dropped out of pass@k (1 right + 3 such
wrong samples of 5 scored pass@1 0.5). The scan is a pure function of the answer's text: what it
cannot follow is now the answer's ``rejected`` (rule ``unparsed``/``too_complex``), and the
keyword-last case is read correctly (the stray keyword then fails the build).
"""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from harness.families.verilog.integrity import definition_items, prune_unused
from harness.families.verilog.lexer import tokenize
from harness.jobs import verilog_check
from harness.jobs.verilog_check import check_candidate

WRONG_OR = "module and_gate(input a, input b, output y);\n  assign y = a | b;\nendmodule\n"
TRAILER = "\nmodule unused_helper;\nendmodule\nclass\n"


@pytest.mark.parametrize("last", ["class", "module", "package", "interface", "virtual class", "program"])
def test_a_definition_keyword_last_in_the_text_is_read(last: str) -> None:
    tokens = tokenize(WRONG_OR + last)
    items = definition_items(tokens)
    assert items[-1][2] == len(tokens) - 1  # the dangling item ends at the last token
    source, _ = prune_unused(WRONG_OR + last, {"and_gate"})
    assert "assign y = a | b;" in source


def test_the_trailer_is_not_an_infra_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "raw.sv").write_text(WRONG_OR + TRAILER)
    rec = check_candidate("raw.sv", "design.sv", roots=("and_gate",))
    assert rec["status"] in ("pass", "rejected"), rec  # the build then fails on the stray `class`


def test_a_scan_that_raises_rejects_the_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The class, whatever the next parser bug is: an exception of the scan is the answer's."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "raw.sv").write_text(WRONG_OR)

    def boom(source: str, roots: set[str]) -> tuple[str, list[str]]:
        raise IndexError("list index out of range")

    monkeypatch.setattr(verilog_check, "prune_unused", boom)
    rec = check_candidate("raw.sv", "design.sv", roots=("and_gate",))
    assert (rec["status"], rec["rule"]) == ("rejected", "unparsed") and "IndexError" in rec["reason"]
    assert not (tmp_path / "design.sv").exists()

    def deep(source: str, roots: set[str]) -> tuple[str, list[str]]:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(verilog_check, "prune_unused", deep)
    rec = check_candidate("raw.sv", "design.sv", roots=("and_gate",))
    assert (rec["status"], rec["rule"]) == ("rejected", "too_complex")


PIECES = ["module", "endmodule", "m", "(", ")", "[", "]", "{", "}", ";", ",", "input", "output", "wire", "assign",
          "=", "begin", "end", "always", "@", "*", "(*", "*)", "\\esc ", "\\x.endmodule ", '"', "/*", "*/", "//",
          "\n", "interface", "endinterface", "package", "endpackage", "class", "endclass", "virtual", "function",
          "endfunction", "task", "endtask", "generate", "endgenerate", "import", "::", "#", "$display", "program",
          "endprogram", "primitive", "endprimitive", "automatic", "static", "config", "endconfig", "bind"]


def test_token_soup_never_raises_out_of_the_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """2000 seeded token soups (no backtick, so no preprocessor): each check ends with a record."""
    monkeypatch.chdir(tmp_path)
    rng = random.Random(12)
    for _ in range(2000):
        text = " ".join(rng.choice(PIECES) for _ in range(rng.randint(1, 40)))
        (tmp_path / "raw.sv").write_text(text)
        rec = check_candidate("raw.sv", "design.sv", roots=("m",))
        assert rec["status"] in ("pass", "rejected"), (text, rec)


@pytest.mark.slow  # the real CLI: extraction, the sandboxed job, Icarus
def test_trailer_samples_count_against_the_model(tmp_path: Path) -> None:
    from tests.helpers import executions, hweval, write_replay

    right = "module and_gate(input a, input b, output y);\n  assign y = a & b;\nendmodule\n"
    answers = write_replay(tmp_path / "a.jsonl", "verilog-core", "and_gate",
                           [f"```verilog\n{right}```\n", f"```verilog\n{WRONG_OR}{TRAILER}```\n"])
    hweval("run", "--suite", "verilog-core", "--problems", "and_gate", "--n-samples", "2", "--model",
           f"replay:{answers}", "--out", str(tmp_path / "run"), check=True)
    recs = executions(tmp_path / "run")
    assert recs[0]["status"] == "pass"
    assert recs[1]["status"] not in ("pass", "infra_error"), recs[1]
