"""Lenient parsing of model answers."""
from __future__ import annotations

from harness.families.hls.answer import parse_answer, strip_line_numbers

CODE = '#include "kernel.h"\n\nvoid f(int a[4]) {\n    for (int i = 0; i < 4; i++) {\n        a[i] = 0;\n    }\n}\n'


def test_fenced_json_with_separate_cpp_block() -> None:
    text = f'Found it.\n```json\n{{"buggy": true, "line": 4, "type": "oob", "fix": null}}\n```\nFixed:\n```cpp\n{CODE}```\n'
    ans = parse_answer(text)
    assert ans is not None
    assert (ans.buggy, ans.line, ans.type) == (True, 4, "OOB")
    assert ans.fix == CODE


def test_bare_json_with_fix_inside_and_python_literals() -> None:
    blob = '{"buggy": True, "line": "line 5", "type": "Out-of-bounds", "fix": "' + CODE.replace("\n", "\\n").replace('"', '\\"') + '",}'
    ans = parse_answer("My answer: " + blob + " -- done")
    assert ans is not None
    assert (ans.buggy, ans.line, ans.type) == (True, 5, "OOB")
    assert ans.fix == CODE


def test_raw_newlines_in_json_string_are_tolerated() -> None:
    text = '```json\n{"buggy": "yes", "line": 3, "type": "INIT", "fix": "int x = 0;\nvoid g() { x++; }"}\n```'
    ans = parse_answer(text)
    assert ans is not None and ans.buggy is True and ans.fix is not None and "void g()" in ans.fix


def test_control_answer_without_fix() -> None:
    ans = parse_answer('```json\n{"buggy": false, "line": null, "type": null, "fix": null}\n```')
    assert ans is not None
    assert (ans.buggy, ans.line, ans.type, ans.fix) == (False, None, None, None)


def test_broken_json_falls_back_to_field_regexes() -> None:
    text = '{"buggy": true, "line": 12, "type": "SHFT", "fix": "code with "quotes" inside"}\n```cpp\n' + CODE + "```"
    ans = parse_answer(text)
    assert ans is not None
    assert (ans.buggy, ans.line, ans.type) == (True, 12, "SHFT")
    assert ans.fix == CODE


def test_code_only_answer_and_numbered_code() -> None:
    numbered = "\n".join(f"{i:>3} | {ln}" for i, ln in enumerate(CODE.rstrip().split("\n"), 1))
    ans = parse_answer(f"Here you go:\n```c++\n{numbered}\n```")
    assert ans is not None and ans.buggy is None and ans.fix == CODE
    assert strip_line_numbers(numbered) == CODE.rstrip()


def test_last_full_file_block_wins() -> None:
    text = f"The bug:\n```cpp\n        a[i] = 1;\n```\nFix:\n```cpp\n{CODE}```"
    ans = parse_answer(text)
    assert ans is not None and ans.fix == CODE


def test_nothing_usable_gives_none() -> None:
    assert parse_answer("") is None
    assert parse_answer("I am not sure what to say about this kernel.") is None
    assert parse_answer("```python\nprint('hi')\n```") is None


def test_kernel_preferred_over_header_and_testbench() -> None:
    header = "#ifndef K_H\n#define K_H\n#include \"ap_int.h\"\nvoid f(int a[4]);\n#endif\n"
    tb = "#include \"kernel.h\"\nint main() {\n    int a[4];\n    f(a);\n    return 0;\n}\n"
    text = f"```cpp\n{CODE}```\n```cpp\n{header}```\n```cpp\n{tb}```"
    ans = parse_answer(text)
    assert ans is not None and ans.fix == CODE
