"""The agent's tools (``--agent``) and its workspace.

- ``write_file(path, content)`` / ``read_file(path)``: files of the sample's workspace (held by
  the harness; nothing runs).
- ``compile(path)``: the suite's compile stage on the file, as an answer (sandboxed).
- ``run_checks(path)``: the problem's visible checks (``Suite.visible_check``: a suite's public
  subset of tests; the default is the compile stage only). Sandboxed.
- ``submit(path | answer)``: the final answer; the episode ends and the answer is scored exactly
  like a one-shot answer.

A file becomes an answer as the model would write it: its text in a fenced block (or as it is
when it already holds one), read by the suite's own ``extract``. Every tool result is capped
and stripped of hidden test and reference lines, like repair feedback.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from harness.backend import ToolCall, ToolSpec
from harness.multiturn.feedback import Redactor, cap, compile_only_report
from harness.suite import EvalContext, Suite
from harness.types import Completion, Problem

MAX_FILE_CHARS = 200_000
MAX_RESULT_CHARS = 4000
_PATH = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")
_PATH_ARG = {"path": {"type": "string", "description": "a file of the workspace, e.g. design.v"}}

TOOLS = (
    ToolSpec("write_file", "Write (or overwrite) a file of your workspace.",
             {"type": "object", "properties": {**_PATH_ARG, "content": {"type": "string"}},
              "required": ["path", "content"]}),
    ToolSpec("read_file", "Read a file of your workspace.",
             {"type": "object", "properties": _PATH_ARG, "required": ["path"]}),
    ToolSpec("compile", "Compile a workspace file as your answer and report compiler errors.",
             {"type": "object", "properties": _PATH_ARG, "required": ["path"]}),
    ToolSpec("run_checks", "Run the problem's visible checks on a workspace file (hidden tests run only "
             "after you submit).", {"type": "object", "properties": _PATH_ARG, "required": ["path"]}),
    ToolSpec("submit", "Submit your final answer: a workspace file, or the answer text. Ends your turn.",
             {"type": "object", "properties": {**_PATH_ARG, "answer": {"type": "string"}}}),
)
TOOL_NOTE = ("\n\nYou have tools: write_file, read_file, compile, run_checks (visible checks only) and "
             "submit. Write your code to a file, check it, fix it, then call submit.")


def as_answer(content: str) -> str:
    """A workspace file as a model's answer: fenced, unless it already holds a fenced block."""
    return content if "```" in content else f"```\n{content.rstrip()}\n```\n"


@dataclass
class Workspace:
    """One sample's files, its submission, and the tools acting on them."""

    suite: Suite
    problem: Problem
    ctx: EvalContext
    public: str
    files: dict[str, str] = field(default_factory=dict)
    submission: str | None = None
    submitted: bool = False
    last_checked: str | None = None  # the answer of the last compile/run_checks

    def call(self, call: ToolCall) -> str:
        """The tool's result as text (capped, hidden lines withheld)."""
        if call.error:
            return f"error: {call.error}"
        handler = getattr(self, f"_tool_{call.name}", None)
        if handler is None or call.name not in {t.name for t in TOOLS}:
            return f"error: unknown tool {call.name!r}; tools: {', '.join(t.name for t in TOOLS)}"
        try:
            text = str(handler(**{k: v for k, v in call.arguments.items() if isinstance(k, str)}))
        except TypeError as exc:
            return f"error: bad arguments for {call.name}: {exc}"
        except Exception as exc:  # noqa: BLE001 - a suite's check crashed: the harness's fault, said so
            return f"error: the check could not run (a harness problem, not your answer): {type(exc).__name__}"
        code = "\n".join(self.files.values())
        return cap(Redactor(self.problem, self.public + "\n" + code)(text), MAX_RESULT_CHARS)

    def _file(self, path: Any) -> str | None:
        return self.files.get(path) if isinstance(path, str) else None

    def _tool_write_file(self, path: Any = None, content: Any = None) -> str:
        if not isinstance(path, str) or not _PATH.match(path):
            return "error: path must be a plain file name (letters, digits, _ . -), no folders"
        if not isinstance(content, str) or len(content) > MAX_FILE_CHARS:
            return f"error: content must be a string of at most {MAX_FILE_CHARS} characters"
        self.files[path] = content
        return f"wrote {len(content)} characters to {path}"

    def _tool_read_file(self, path: Any = None) -> str:
        text = self._file(path)
        return text if text is not None else f"error: no file {path!r}; files: {', '.join(self.files) or 'none'}"

    def _check(self, path: Any, visible: bool) -> str:
        text = self._file(path)
        if text is None:
            return f"error: no file {path!r}; files: {', '.join(self.files) or 'none'}"
        answer = as_answer(text)
        self.last_checked = answer
        candidate = self.suite.extract(self.problem, Completion(self.suite.name, self.problem.id, 0, answer))
        if candidate is None:
            return "no code found in the file (the answer format the task asks for is needed)"
        if visible:
            return self.suite.visible_check(self.problem, candidate, self.ctx)
        return compile_only_report(self.suite, self.problem, candidate, self.ctx)

    def _tool_compile(self, path: Any = None) -> str:
        return self._check(path, visible=False)

    def _tool_run_checks(self, path: Any = None) -> str:
        return self._check(path, visible=True)

    def _tool_submit(self, path: Any = None, answer: Any = None) -> str:
        if isinstance(answer, str) and answer.strip():
            self.submission = answer
        elif self._file(path) is not None:
            self.submission = as_answer(self.files[path])
        else:
            return f"error: give answer text or an existing file; files: {', '.join(self.files) or 'none'}"
        self.submitted = True
        return "submitted"
