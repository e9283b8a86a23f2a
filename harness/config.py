"""The resolved run configuration, written to config.json (never with secrets)."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import re
import subprocess
import sys
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import harness
from harness.errors import UsageError

#: settings that must not change between a run and its --resume
RESUME_KEYS = ("suites", "model", "n_samples", "temperature", "max_tokens", "top_p", "seed", "data",
               "lang", "simulator", "limit", "problems", "suite_options", "shots", "equiv", "rounds", "agent",
               "max_turns", "agent_tokens", "agent_wall_s")

#: ``-S feedback=``: how much a repair round reveals (DESIGN.md, "Multi-turn")
FEEDBACK_LEVELS = ("compile", "tests", "full")

#: family settings with a flag of their own and a ``-S`` spelling (``-S simulator=verilator`` is
#: ``--simulator verilator``): the -S form moves into the RunConfig field; value checks are shared
#: with the flags (harness/cli.py)
SIMULATORS = ("icarus", "verilator")
LANGS = ("triton", "cuda")
MAX_SHOTS = 4
OPTION_ALIASES = {"simulator": "--simulator", "lang": "--lang", "shots": "--shots"}


@dataclass
class RunConfig:
    suites: list[str]
    model: str = "reference"
    n_samples: int = 1
    temperature: float = 0.0
    max_tokens: int = 2048
    top_p: float | None = None
    limit: int | None = None
    problems: list[str] | None = None
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    sandbox: str = "local"
    allow_unsandboxed: bool = False
    data: str | None = None
    seed: int = 0
    lang: str | None = None
    simulator: str = "icarus"
    base_url: str | None = None
    api_key_env: str | None = None
    max_connections: int = 8
    request_timeout: float = 120.0
    max_retries: int = 5
    generation_cache: str = "on"
    backend_options: dict[str, str] = field(default_factory=dict)
    executor: str = "local"
    ray_address: str | None = None
    shots: int = 0
    hls_include: str | None = None
    equiv: bool = False
    timeout_s: float = 60.0
    suite_options: dict[str, str] = field(default_factory=dict)
    rounds: int = 1
    agent: bool = False
    max_turns: int = 10
    agent_tokens: int | None = None
    agent_wall_s: float = 600.0
    out: str | None = None
    resume: bool = False

    def __post_init__(self) -> None:
        self.suite_options = dict(self.suite_options)
        for key, flag in OPTION_ALIASES.items():
            if key in self.suite_options:
                self._take_alias(key, flag, self.suite_options.pop(key))

    def _take_alias(self, key: str, flag: str, raw: str) -> None:
        """``-S key=raw`` into the field ``key``; refused when ``flag`` gave another value."""
        value: str | int = str(raw).strip()
        allowed = {"simulator": SIMULATORS, "lang": LANGS}.get(key)
        if allowed is not None and value not in allowed:
            raise UsageError(f"-S {key}={raw}: expected one of {', '.join(allowed)} (the same as {flag})")
        if key == "shots":
            try:
                value = int(value)
            except ValueError:
                value = -1
            if not 0 <= value <= MAX_SHOTS:
                raise UsageError(f"-S shots={raw}: expected an integer between 0 and {MAX_SHOTS} (the same as --shots)")
        current, default = getattr(self, key), RunConfig.__dataclass_fields__[key].default
        if current != default and current != value:
            raise UsageError(f"-S {key}={raw} and {flag} {current}: give the setting once")
        setattr(self, key, value)

    def check(self) -> None:
        """The CLI checks each value as it parses; this repeats the ranges for configs that come
        from elsewhere (``hweval evaluate`` reads config.json, plugins build a RunConfig)."""
        rules = [("--n-samples", self.n_samples, 1, False), ("--workers", self.workers, 1, False),
                 ("--max-tokens", self.max_tokens, 1, False), ("--timeout", self.timeout_s, 0, True),
                 ("--temperature", self.temperature, 0, False), ("--seed", self.seed, 0, False),
                 ("--limit", self.limit, 1, False), ("--shots", self.shots, 0, False),
                 ("--rounds", self.rounds, 1, False), ("--max-turns", self.max_turns, 1, False),
                 ("--agent-tokens", self.agent_tokens, 1, False), ("--agent-wall", self.agent_wall_s, 0, True)]
        for flag, value, low, strict in rules:
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float) or value != value \
                    or value < low or (strict and value == low):
                raise UsageError(f"{flag} {value!r}: expected a number {'>' if strict else '>='} {low}")
        if self.top_p is not None and not 0 < self.top_p <= 1:
            raise UsageError(f"--top-p {self.top_p!r}: expected a number > 0 and <= 1")
        level = self.suite_options.get("feedback", "tests")
        if level not in FEEDBACK_LEVELS:
            raise UsageError(f"-S feedback={level}: expected one of {', '.join(FEEDBACK_LEVELS)}")
        if self.agent and self.rounds > 1:
            raise UsageError("--agent with --rounds > 1: an agent repairs within its own turns; choose one")

    def backend_spec(self) -> tuple[str, str | None]:
        name, _, model = self.model.partition(":")
        return name, (model or None)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunConfig:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def default_out(self) -> Path:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        model = re.sub(r"[^A-Za-z0-9_.-]+", "_", self.model)[-60:]
        return Path("results") / "runs" / f"{'+'.join(self.suites)}-{model}-{stamp}"

    def hash(self) -> str:
        blob = json.dumps({k: self.to_json()[k] for k in RESUME_KEYS}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


def git_hash() -> str | None:
    root = Path(harness.__file__).resolve().parent.parent
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                             timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None


def check_resume_compatible(saved: dict[str, Any], cfg: RunConfig, path: Path) -> None:
    old = saved.get("run", {})
    diffs = [k for k in RESUME_KEYS if k in old and old[k] != cfg.to_json()[k]]
    if diffs:
        details = ", ".join(f"{k}: {old[k]!r} -> {cfg.to_json()[k]!r}" for k in diffs)
        raise UsageError(f"--resume: {path} was made with other settings ({details})")


def environment_info() -> dict[str, Any]:
    from harness.tools import tool_versions

    return {
        "harness_version": harness.__version__,
        "plugin_api_version": harness.PLUGIN_API_VERSION,
        "git_hash": git_hash(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "tools": tool_versions(),
    }
