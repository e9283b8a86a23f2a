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
from dataclasses import InitVar, asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import harness
from harness.errors import UsageError

#: settings that must not change between a run and its --resume (a suite's settings are its
#: ``suite_options``, the flag aliases below included)
RESUME_KEYS = ("suites", "model", "n_samples", "temperature", "max_tokens", "top_p", "seed", "data",
               "limit", "problems", "suite_options", "rounds", "agent", "max_turns", "agent_tokens",
               "agent_wall_s")

#: ``-S feedback=``: how much a repair round reveals (DESIGN.md, "Multi-turn")
FEEDBACK_LEVELS = ("compile", "tests", "full")

#: Flags that are documented aliases of suite options (``--simulator verilator`` is
#: ``-S simulator=verilator``): suite option -> (flag, the flag's default, which means "not given").
#: The families declare these keys in their ``options_schema`` and read them from
#: ``SuiteOptions``; a suite that does not declare one ignores it, as it ignored the flag.
OPTION_ALIASES: dict[str, tuple[str, object]] = {
    "simulator": ("--simulator", "icarus"), "lang": ("--lang", None), "shots": ("--shots", 0),
    "hls_include": ("--hls-include", None), "equiv": ("--equiv", False)}
#: the values the alias flags accept (checked alike for the ``-S`` spelling)
SIMULATORS = ("icarus", "verilator")
LANGS = ("triton", "cuda")
MAX_SHOTS = 4


def alias_value(key: str, raw: object) -> str:
    """The ``-S`` string of an alias flag's value (``--equiv`` -> ``on``), checked like the flag."""
    flag = OPTION_ALIASES[key][0]
    value = str(raw).strip()
    if key == "equiv":
        value = {"true": "on", "1": "on", "yes": "on", "false": "off", "0": "off", "no": "off"}.get(value.lower(),
                                                                                                  value.lower())
        if value not in ("on", "off"):
            raise UsageError(f"-S equiv={raw}: expected on or off (the same as {flag})")
    allowed = {"simulator": SIMULATORS, "lang": LANGS}.get(key)
    if allowed is not None and value not in allowed:
        raise UsageError(f"-S {key}={raw}: expected one of {', '.join(allowed)} (the same as {flag})")
    if key == "shots" and not (value.isdigit() and 0 <= int(value) <= MAX_SHOTS):
        raise UsageError(f"-S shots={raw}: expected an integer between 0 and {MAX_SHOTS} (the same as {flag})")
    return str(int(value)) if key == "shots" else value


@dataclass
class RunConfig:
    """The run's settings. ``simulator``, ``lang``, ``shots``, ``hls_include`` and ``equiv`` are
    accepted as keyword arguments (the flags and old config.json files give them) and stored as
    the suite options they alias (:data:`OPTION_ALIASES`): the run driver knows no family setting."""

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
    base_url: str | None = None
    api_key_env: str | None = None
    max_connections: int = 8
    request_timeout: float = 120.0
    max_retries: int = 5
    generation_cache: str = "on"
    backend_options: dict[str, str] = field(default_factory=dict)
    executor: str = "local"
    ray_address: str | None = None
    timeout_s: float = 60.0
    suite_options: dict[str, str] = field(default_factory=dict)
    rounds: int = 1
    agent: bool = False
    max_turns: int = 10
    agent_tokens: int | None = None
    agent_wall_s: float = 600.0
    out: str | None = None
    resume: bool = False
    simulator: InitVar[str | None] = None
    lang: InitVar[str | None] = None
    shots: InitVar[int | None] = None
    hls_include: InitVar[str | None] = None
    equiv: InitVar[bool | None] = None

    def __post_init__(self, simulator: str | None, lang: str | None, shots: int | None, hls_include: str | None,
                      equiv: bool | None) -> None:
        self.suite_options = dict(self.suite_options)
        flags = {"simulator": simulator, "lang": lang, "shots": shots, "hls_include": hls_include, "equiv": equiv}
        for key, (flag, default) in OPTION_ALIASES.items():
            given = flags[key]
            if key in self.suite_options:
                self.suite_options[key] = alias_value(key, self.suite_options[key])
            if given is None or given == default:
                continue
            value = alias_value(key, given)
            current = self.suite_options.setdefault(key, value)
            if current != value:
                raise UsageError(f"-S {key}={current} and {flag} {given}: give the setting once")

    def check(self) -> None:
        """The CLI checks each value as it parses; this repeats the ranges for configs that come
        from elsewhere (``hweval evaluate`` reads config.json, plugins build a RunConfig)."""
        rules = [("--n-samples", self.n_samples, 1, False), ("--workers", self.workers, 1, False),
                 ("--max-tokens", self.max_tokens, 1, False), ("--timeout", self.timeout_s, 0, True),
                 ("--temperature", self.temperature, 0, False), ("--seed", self.seed, 0, False),
                 ("--limit", self.limit, 1, False),
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
        known = {f.name for f in fields(cls)} | set(OPTION_ALIASES)  # a config.json from before 0.2 has the aliases
        return cls(**{k: v for k, v in data.items() if k in known})

    def default_out(self) -> Path:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        model = re.sub(r"[^A-Za-z0-9_.-]+", "_", self.model)[-60:]
        return Path("results") / "runs" / f"{'+'.join(self.suites)}-{model}-{stamp}"

    def hash(self) -> str:
        blob = json.dumps({k: self.to_json()[k] for k in RESUME_KEYS}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


for _alias in OPTION_ALIASES:  # the InitVar defaults would stay as class attributes: ``cfg.lang`` must
    delattr(RunConfig, _alias)  # fail (the setting is ``cfg.suite_options["lang"]``), not read None


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
    if old.get("suites"):  # older files kept the alias settings as fields: compare them as suite options
        old = RunConfig.from_json(old).to_json()
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
