"""Answer extraction and prompt construction."""
from __future__ import annotations

import pytest

from harness.families.kernels.extract import extract_code
from harness.families.kernels.prompt import build_messages, build_prompt
from tests.kernels.helpers import PROBLEMS, golden

CODE = "import torch\n\nclass ModelNew(torch.nn.Module):\n    pass\n"


def test_python_fence_preferred() -> None:
    text = f"Here:\n```\nnot python\n```\n```python\n{CODE}```\nDone."
    assert extract_code(text) == CODE


def test_last_block_defining_model_new_wins() -> None:
    text = f"Sketch:\n```python\ndef helper():\n    pass\n```\nAnswer:\n```python\n{CODE}```\n```python\nprint(1)\n```"
    assert extract_code(text) == CODE


def test_whole_text_if_it_parses() -> None:
    assert extract_code(CODE) == CODE


def test_untagged_block_and_think_tags() -> None:
    text = f"<think>```python\nclass ModelNew: wrong\n```</think>\n```\n{CODE}```"
    assert extract_code(text) == CODE


def test_truncated_fence() -> None:
    assert extract_code(f"```python\n{CODE}") == CODE


@pytest.mark.parametrize("text", [None, "", "   ", "I cannot help with that.", "```text\nhello world\n```"])
def test_no_code(text: str | None) -> None:
    assert extract_code(text) is None


@pytest.mark.parametrize("lang", ["triton", "cuda"])
def test_prompt_contains_reference_example_and_rules(lang: str) -> None:
    ref = (PROBLEMS / "softmax_row" / "reference.py").read_text()
    prompt = build_prompt(ref, lang)
    assert ref.strip() in prompt and "ModelNew" in prompt and "```python" in prompt
    assert ("@triton.jit" in prompt) == (lang == "triton")
    assert ("load_inline" in prompt) == (lang == "cuda")
    assert "try/except" in prompt
    msgs = build_messages(ref, lang)
    assert [m["role"] for m in msgs] == ["system", "user"]
    with pytest.raises(ValueError):
        build_prompt(ref, "verilog")


def test_golden_roundtrip_through_a_fenced_response() -> None:
    code = golden("relu", "triton")
    assert extract_code(f"Sure.\n\n```python\n{code}```\n") == code
