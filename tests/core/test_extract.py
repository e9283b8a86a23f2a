from __future__ import annotations

from harness.families.verilog.extract import extract_verilog

TOP = "module top(input a, output y);\n  assign y = ~a;\nendmodule"
HELPER = "module inv(input a, output y);\n  assign y = ~a;\nendmodule"


def test_fenced_verilog_block() -> None:
    cand = extract_verilog(f"Sure!\n```verilog\n{TOP}\n```\nDone.", "top")
    assert cand is not None and cand.code.strip() == TOP and cand.meta["top_found"]


def test_fence_languages_and_plain_fence() -> None:
    for lang in ("systemverilog", "sv", "", "Verilog"):
        cand = extract_verilog(f"```{lang}\n{TOP}\n```", "top")
        assert cand is not None and "assign y = ~a;" in cand.code, lang


def test_other_language_blocks_are_ignored() -> None:
    text = f"```python\nprint('module x; endmodule')\n```\n```verilog\n{TOP}\n```"
    cand = extract_verilog(text, "top")
    assert cand is not None and "print" not in cand.code


def test_bare_module_text() -> None:
    cand = extract_verilog(f"The design is:\n{TOP}\nThat is all.", "top")
    assert cand is not None and cand.code.strip() == TOP


def test_several_modules_keep_helpers() -> None:
    cand = extract_verilog(f"```verilog\n{HELPER}\n\n{TOP}\n```", "top")
    assert cand is not None and cand.meta["modules"] == ["inv", "top"]


def test_last_definition_wins() -> None:
    first = TOP.replace("~a", "a")
    cand = extract_verilog(f"```verilog\n{first}\n```\nOops, fixed:\n```verilog\n{TOP}\n```", "top")
    assert cand is not None and cand.code.count("module top") == 1 and "~a" in cand.code


def test_missing_top_is_flagged() -> None:
    cand = extract_verilog(f"```verilog\n{HELPER}\n```", "top")
    assert cand is not None and cand.meta["top_found"] is False


def test_prose_only_gives_none() -> None:
    assert extract_verilog("I cannot write this module, sorry. The endmodule keyword ends it.", "top") is None
    assert extract_verilog("", "top") is None


def test_comments_do_not_confuse_module_search() -> None:
    text = "```verilog\n// module fake; endmodule\n" + TOP + "\n```"
    cand = extract_verilog(text, "top")
    assert cand is not None and cand.meta["modules"] == ["top"]


def test_unterminated_fence_still_extracts() -> None:
    cand = extract_verilog(f"```verilog\n{TOP}\n", "top")
    assert cand is not None and cand.meta["top_found"]
