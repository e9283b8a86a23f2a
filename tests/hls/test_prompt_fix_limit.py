"""The HLS prompt states the changed-lines limit the scorer enforces (an honest-answer tester lost
two correct restructuring fixes to a limit the prompt did not name), and counts lines the way the
scorer does."""
from __future__ import annotations

from harness.families.hls.integrity import FIX_MAX_CHANGED_LINES, changed_lines
from harness.families.hls.prompt import ANSWER_FORMAT


def test_prompt_names_the_limit_the_scorer_uses() -> None:
    text = " ".join(ANSWER_FORMAT.split())
    assert f"at most {FIX_MAX_CHANGED_LINES} lines may differ from the original" in text
    assert "indentation and blank lines do not count" in text


def test_indentation_and_blank_lines_do_not_count_and_each_changed_line_does() -> None:
    before = "int f(int a) {\n  int s = 0;\n  return s + a;\n}\n"
    assert changed_lines(before, before.replace("  ", "        ") + "\n\n") == 0
    many = "".join(f"  s += {i};\n" for i in range(FIX_MAX_CHANGED_LINES + 1))
    after = before.replace("  return", many + "  return")
    assert changed_lines(before, after) == FIX_MAX_CHANGED_LINES + 1


def test_prompt_names_what_the_object_rules_reject() -> None:
    """An honest-answer tester lost a fix that added `static const fpx_t PIX_MAX = 255;` (an
    ap_fixed global: its constructor runs before main, rule before-main) to an unnamed rule."""
    text = " ".join(ANSWER_FORMAT.split())
    assert "objects whose type has a constructor, ap_int and ap_fixed included" in text
    assert "static initialisation must stay the original's" in text
