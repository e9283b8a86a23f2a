"""Prompts and answer extraction, following CVDP's own non-agentic runner.

- The prompt is built as ``DatasetProcessor.create_context`` builds it (src/dataset_processor.py):
  each input file in a fenced block, then the request, then where the answer goes; the system
  prompt is ``ModelHelpers.create_system_prompt`` (src/model_helpers.py) with the category's
  guidance, and the JSON schema when several files are expected.
- Extraction is ``ModelHelpers.parse_model_response``: one expected file takes the first fenced
  block of the response, or the whole response when it has none; several files come from a JSON
  object ``{"code": [{"<name>": "<code>"}, ...]}`` (control characters removed, the text from the
  first ``{`` to the last ``}``), each value reduced to its first fenced block if it has one.
"""
from __future__ import annotations

import json
import re

FOLDERS = """You are a helpful assistance.
Consider that you have a folder structure like the following:\n
    - rtl/*   : Contains files which are RTL code.
    - verif/* : Contains files which are used to verify the correctness of the RTL code.
    - docs/*  : Contains files used to document the project, like Block Guides, RTL Plans and Verification Plans.

When generating files, return the file name in the correct place at the folder structure.
"""
SCHEMAS = ['{ "code": [{ "<name>" : "<code>"}] }', '{ "response": "<response>" }']
_SOLVE = "You are solving {what} problem. To solve this problem correctly, you should only respond with {reply}."
GUIDANCE = {
    "cid002": ("an 'RTL Code Completion'", "the RTL code generated according to the requirements"),
    "cid003": ("a 'Specification to RTL Translation'", "the RTL code translated from the specification"),
    "cid004": ("an 'RTL Code Modification'", "the modified RTL code according to the requirements"),
    "cid005": ("a 'Specification to RTL Translation: Module Instantiation and Component Reuse'",
               "the RTL code translated from the specification and with proper module instantiation and "
               "component reuse"),
    "cid007": ("an 'RTL Lint Improvement or Power-Performance Optimization'",
               "improved RTL code to address lint issues or optimize for power/performance"),
    "cid016": ("an 'RTL Debugging and Bug Fixing'", "the RTL code that is debugged and fixed to address the bug"),
}
_BLOCK = re.compile(r"```(?:(\w+)\n)?(.*?)```", re.DOTALL)


def system_prompt(category: str, n_files: int) -> str:
    text = FOLDERS
    if category in GUIDANCE:
        what, reply = GUIDANCE[category]
        text += "\n" + _SOLVE.format(what=what, reply=reply) + "\n"
    if n_files > 1:
        text += "\nProvide the response in one of the following JSON schemas: \n" + "\nor\n".join(SCHEMAS)
        text += ("\nThe response should be in JSON format, including double-quotes around keys and values, "
                 "and proper escaping of quotes within values, and escaping of newlines.")
    return text


def user_prompt(prompt: str, context: dict[str, str], files: list[str]) -> str:
    text = "".join(f"\nConsider the following content for the file {name}:\n```\n{body}\n```"
                   for name, body in context.items())
    text += f"\nProvide me one answer for this request: {prompt}\n"
    if len(files) == 1:
        text += ("Please provide your response as plain text without any JSON formatting. "
                 f"Your response will be saved directly to: {files[0]}.\n")
    elif files:
        text += f"Name the files as: {files}.\n"
    return text


def code_blocks(text: str) -> list[str]:
    return [m.group(2) for m in _BLOCK.finditer(text)]


def _first_block(value: str) -> str:
    blocks = code_blocks(value)
    return blocks[0] if blocks else value


def parse_files(response: str, files: list[str]) -> dict[str, str]:
    """The expected files found in ``response`` (names outside ``files`` are ignored), each with its
    line ends made LF (Icarus ends a ``//`` comment at a lone CR: red team 10a S4)."""
    from harness.families.verilog.lexer import normalize_newlines

    return {name: normalize_newlines(body) for name, body in _parse_files(response, files).items()}


def _parse_files(response: str, files: list[str]) -> dict[str, str]:
    if len(files) == 1:
        blocks = code_blocks(response)
        body = blocks[0] if blocks else response.strip()
        return {files[0]: body} if body.strip() else {}
    text = re.sub(r"[\x00-\x1F\x7F]", "", response.strip())
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        return {}
    try:
        output = json.loads(text[start:end + 1])
    except (ValueError, RecursionError):  # not JSON, an integer over Python's digit limit, nesting too deep
        return {}
    found: dict[str, str] = {}
    if isinstance(output, dict) and isinstance(output.get("code"), list):
        for item in output["code"]:  # only the listed shape is read: nothing answer-controlled recurses
            if isinstance(item, dict):
                found.update({k: _first_block(v) for k, v in item.items() if k in files and isinstance(v, str)})
    elif isinstance(output, dict) and len(files) == 1 and isinstance(output.get("response"), str):
        found[files[0]] = _first_block(output["response"])
    return found


def model_answer(files: dict[str, str]) -> str:
    """``files`` written as a model following CVDP's instructions would answer."""
    if len(files) == 1:
        (name, body), = files.items()
        lang = "systemverilog" if name.endswith((".sv", ".svh")) else "verilog"
        return f"```{lang}\n{body}\n```\n"
    return json.dumps({"code": [{name: body} for name, body in files.items()]}, indent=1) + "\n"
