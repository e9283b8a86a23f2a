"""Run orchestration: resolve a config, generate, evaluate, validate references, summarise."""
from __future__ import annotations

import json
import logging
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import registry
from harness.backend import Backend, BackendOptions
from harness.cache import harness_code_digest, key_of, suite_code_digest
from harness.cache import read_json as read_cache_json
from harness.config import OPTION_ALIASES, RunConfig, check_resume_compatible, environment_info
from harness.errors import UsageError
from harness.execute import judge, run_evaluation
from harness.executors import Executor, make_executor
from harness.generate import existing_keys, missing_keys, run_generation
from harness.preflight import check_suite_settings, preflight
from harness.progress import Progress
from harness.results import CONFIG, RESULTS, read_json, write_json_atomic
from harness.sandbox.base import Limits, Sandbox
from harness.schemas import validate
from harness.suite import EvalContext, Suite, SuiteOptions
from harness.summary import SuiteScope, write_results
from harness.types import Completion, GenerationSettings, Problem, Status
from harness.verdict_cache import verdict_cache_from

log = logging.getLogger(__name__)


def cache_dir() -> Path:
    root = os.environ.get("HWEVAL_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "hweval")
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


def make_suite(name: str, cfg: RunConfig) -> Suite:
    cls = registry.load("suites", name)
    # a flag alias (--simulator, --lang, --shots, --hls-include, --equiv) reaches the suites that
    # declare its option; the others ignore it, as they ignored the flag
    extra = {k: v for k, v in cfg.suite_options.items() if k not in OPTION_ALIASES or k in cls.options_schema}
    return cls(SuiteOptions(data=cfg.data, seed=cfg.seed, extra=extra))


def make_backend(cfg: RunConfig) -> Backend:
    name, model = cfg.backend_spec()
    cls = registry.load("backends", name)
    return cls(model, BackendOptions(base_url=cfg.base_url, api_key_env=cfg.api_key_env,
                                     max_connections=cfg.max_connections, timeout_s=cfg.request_timeout,
                                     max_retries=cfg.max_retries, extra=dict(cfg.backend_options),
                                     generation_cache=cfg.generation_cache != "off"))


def make_sandbox(cfg: RunConfig) -> Sandbox:
    if cfg.sandbox == "none" and not cfg.allow_unsandboxed:
        raise UsageError("--sandbox none runs untrusted code unisolated: add --allow-unsandboxed to confirm")
    sandbox: Sandbox = registry.load("sandboxes", cfg.sandbox)()
    return sandbox


def select_problems(suite: Suite, cfg: RunConfig) -> list[Problem]:
    return select(suite, cfg)[0]


def select(suite: Suite, cfg: RunConfig) -> tuple[list[Problem], int]:
    """The problems a run takes from ``suite`` (--problems, --limit), and how many it loaded."""
    problems = list(suite.problems())
    loaded = len(problems)
    if cfg.problems:
        by_id = {p.id: p for p in problems}
        unknown = [p for p in cfg.problems if p not in by_id]
        if unknown:
            raise UsageError(f"--problems: unknown id(s) in {suite.name}: {', '.join(unknown)} "
                             f"(first known: {', '.join(list(by_id)[:8])})")
        problems = [by_id[p] for p in cfg.problems]
    if cfg.limit is not None:
        problems = problems[: cfg.limit]
    if not problems:
        raise UsageError(f"suite {suite.name} has no problems to run")
    return problems, loaded


def eval_context(cfg: RunConfig, sandbox: Sandbox) -> EvalContext:
    return EvalContext(sandbox=sandbox, limits=Limits(wall_s=cfg.timeout_s), seed=cfg.seed,
                       cache_dir=cache_dir())


def validate_references(suite: Suite, problems: list[Problem], ctx: EvalContext, workers: int,
                        use_cache: bool = True) -> dict[str, dict[str, str]]:
    """Run every reference against its own checks: problem id -> {status, reason}."""
    from harness.tools import tool_versions

    key = key_of(suite.content_hash(), tool_versions(), ctx.sandbox.name, suite.verdict_options(),
                 harness_code_digest(), suite_code_digest(type(suite)))[:16]
    path = cache_dir() / "validate" / f"{suite.name}-{key}.json"
    found = read_cache_json(path, label="validation cache") if use_cache else None
    cached: dict[str, dict[str, str]] = found if isinstance(found, dict) else {}  # damaged: a miss
    todo = [p for p in problems if p.id not in cached]

    def check(problem: Problem) -> tuple[str, dict[str, str]]:
        comp = Completion(suite.name, problem.id, 0, suite.reference_response(problem))
        _, verdict = judge(suite, problem, comp, ctx)
        return problem.id, {"status": str(verdict.status), "reason": verdict.reason[:1000]}

    if use_cache:
        path.parent.mkdir(parents=True, exist_ok=True)
    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="hweval-validate")
    try:
        for pid, res in pool.map(check, todo):
            cached[pid] = res
            if use_cache:  # saved as it goes, so a killed run keeps what it validated
                # infra errors are not cached: they say nothing about the reference
                write_json_atomic(path, {k: v for k, v in cached.items() if v["status"] != Status.INFRA_ERROR})
    except BaseException:  # Ctrl-C: do not wait for the references still being checked
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return {p.id: cached[p.id] for p in problems}


def excluded_from(validation: dict[str, dict[str, str]]) -> list[dict[str, str]]:
    """Problems whose reference failed its own tests (excluded, listed with the reason)."""
    return [{"problem_id": pid, "status": v["status"], "reason": v["reason"]}
            for pid, v in sorted(validation.items()) if v["status"] not in (Status.PASS, Status.INFRA_ERROR)]


def not_run_from(validation: dict[str, dict[str, str]]) -> list[dict[str, str]]:
    """Problems whose reference could not be run here (infra_error: no GPU, a tool failed): not
    scored and not evaluated, reported as not run, never as a broken reference."""
    return [{"problem_id": pid, "status": v["status"], "reason": v["reason"]}
            for pid, v in sorted(validation.items()) if v["status"] == Status.INFRA_ERROR]


def prepare_run_dir(cfg: RunConfig) -> Path:
    run_dir = Path(cfg.out) if cfg.out else cfg.default_out()
    cfg.out = str(run_dir)
    if (run_dir / CONFIG).exists():
        if not cfg.resume:
            raise UsageError(f"{run_dir} already holds a run: pass --resume to continue it, or another --out")
        check_resume_compatible(read_json(run_dir / CONFIG), cfg, run_dir / CONFIG)
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
        probe = run_dir / ".hweval-write-check"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise UsageError(f"--out {run_dir}: cannot write the run folder there ({exc.strerror or exc})") from exc
    return run_dir


def prefetch_environment() -> Future[dict[str, Any]]:
    """:func:`environment_info` (tool versions: a handful of subprocesses), the run files' schema
    checkers and the harness code digest, made on a background thread while the suites load and
    the preflight runs (start-up time); ``write_config`` takes the result."""
    def work() -> dict[str, Any]:
        from harness.results import journal_checker
        from harness.schemas import validator

        info = environment_info()
        for kind in ("config", "results"):
            validator(kind)
        for kind in ("completion", "execution"):
            journal_checker(kind)
        harness_code_digest()  # keys reference validation and the verdict cache (cached once made)
        return info

    fut: Future[dict[str, Any]] = Future()

    def run_it() -> None:
        try:
            fut.set_result(work())
        except BaseException as exc:  # noqa: BLE001 - raised again where the result is taken
            fut.set_exception(exc)

    threading.Thread(target=run_it, name="hweval-prefetch", daemon=True).start()
    return fut


def write_config(run_dir: Path, cfg: RunConfig, backend: Backend | None, sandbox: Sandbox | None,
                 suites: dict[str, Suite], env_info: Future[dict[str, Any]] | None = None) -> dict[str, Any]:
    previous = read_json(run_dir / CONFIG) if (run_dir / CONFIG).exists() else {}
    config = {
        "run": cfg.to_json(),
        "config_hash": cfg.hash(),
        "backend": backend.identity() if backend else previous.get("backend"),
        "sandbox": {"kind": sandbox.name if sandbox else None,
                    "image": getattr(sandbox, "image_digest", None) if sandbox else None},
        "suites": {n: {"version": s.version, "family": s.family, "content_hash": s.content_hash()}
                   for n, s in suites.items()},
        **(env_info.result() if env_info is not None else environment_info()),
    }
    validate("config", config, run_dir / CONFIG)  # a record that breaks its schema is never written
    write_json_atomic(run_dir / CONFIG, config)
    return config


@dataclass
class Plan:
    """What a run covers: suites, the problems selected, how many each suite loaded."""

    suites: dict[str, Suite]
    selected: dict[str, list[Problem]]
    loaded: dict[str, int]


def plan(cfg: RunConfig, sandbox: Sandbox | None = None) -> Plan:
    """Suites and problems, with every setting the suites declare checked first (exit 2) and,
    when a sandbox is given, what evaluation needs here (before any loader compiles anything)."""
    check_suite_settings({name: registry.load("suites", name) for name in cfg.suites}, cfg.suite_options, cfg.data)
    suites = {name: make_suite(name, cfg) for name in cfg.suites}
    if sandbox is not None:
        preflight(list(suites.values()), sandbox)
    picked = {name: select(s, cfg) for name, s in suites.items()}
    return Plan(suites, {n: p for n, (p, _) in picked.items()}, {n: k for n, (_, k) in picked.items()})


def warn_identical(cfg: RunConfig) -> None:
    """Model backends (the cacheable ones) decode greedily at temperature 0: say so up front."""
    if cfg.temperature == 0 and cfg.n_samples > 1 and registry.load("backends", cfg.backend_spec()[0]).cacheable:
        log.warning("--temperature 0 with --n-samples %d: greedy decoding usually gives identical samples, so "
                    "pass@k for k > 1 says little; raise --temperature (identical samples are counted in the "
                    "summary)", cfg.n_samples)


def run(cfg: RunConfig, *, do_generate: bool = True, do_evaluate: bool = True,
        progress: Progress | None = None) -> tuple[Path, dict[str, Any] | None]:
    """The whole pipeline; returns the run folder and results (None for generate-only).

    Everything that can be checked is checked before the first request: settings, the tools,
    sandbox and device evaluation needs (preflight), the run folder, the backend's coverage."""
    progress = progress or Progress()
    cfg.check()
    if do_generate and not do_evaluate and (cfg.rounds > 1 or cfg.agent):
        raise UsageError("--rounds > 1 and --agent need the evaluation between turns: use `hweval run`, "
                         "not `hweval generate`")
    env_info = prefetch_environment()
    sandbox = make_sandbox(cfg) if do_evaluate else None
    backend: Backend | None = None
    try:
        p = plan(cfg, sandbox)
        if do_generate:
            warn_identical(cfg)
            backend = make_backend(cfg)
            journal = Path(cfg.out) if cfg.out and cfg.resume else None
            done = existing_keys(journal) if journal is not None and journal.is_dir() else set()
            backend.check_requests(missing_keys([(p.suites[n], p.selected[n]) for n in p.suites], cfg.n_samples,
                                                done))
        run_dir = prepare_run_dir(cfg)
        config = write_config(run_dir, cfg, backend, sandbox, p.suites, env_info)
        settings = GenerationSettings(temperature=cfg.temperature, max_tokens=cfg.max_tokens,
                                      top_p=cfg.top_p, seed=cfg.seed)
        if backend is not None and not cfg.agent:
            run_generation(run_dir, backend, [(p.suites[n], p.selected[n]) for n in p.suites], cfg.n_samples,
                           settings, progress)
        if sandbox is None:
            return run_dir, None
        turns = Turns(backend, settings) if backend is not None else None
        return run_dir, evaluate_run(run_dir, cfg, p, sandbox, config, progress, turns)
    finally:
        if backend is not None:
            backend.close()
        if sandbox is not None:
            sandbox.close()
        progress.close()


@dataclass
class Turns:
    """What a multi-turn run needs between evaluations: the model and its settings."""

    backend: Backend
    settings: GenerationSettings


def evaluate_run(run_dir: Path, cfg: RunConfig, p: Plan, sandbox: Sandbox, config: dict[str, Any],
                 progress: Progress, turns: Turns | None = None) -> dict[str, Any]:
    """Validate references, evaluate (with repair rounds or agents when asked), write results.json."""
    ctx = eval_context(cfg, sandbox)
    excluded: dict[str, list[dict[str, str]]] = {}
    not_run: dict[str, list[dict[str, str]]] = {}
    for name, suite in p.suites.items():
        validation = validate_references(suite, p.selected[name], ctx, cfg.workers) \
            if cfg.suite_options.get("validate", "on") != "off" else {}
        excluded[name], not_run[name] = excluded_from(validation), not_run_from(validation)
    skip = {(n, e["problem_id"]) for n, items in not_run.items() for e in items}
    problems = {(pr.suite, pr.id): pr for ps in p.selected.values() for pr in ps if (pr.suite, pr.id) not in skip}
    executor = make_executor(cfg.executor, evaluation_threads(cfg, p, sandbox), cfg.ray_address)
    try:
        _evaluate_turns(run_dir, cfg, p, problems, ctx, executor, progress, turns)
    except BaseException:  # Ctrl-C: leave without waiting for evaluations in flight
        executor.close(wait=False)
        raise
    executor.close()
    scope = {n: SuiteScope([pr.id for pr in ps], p.loaded[n], p.suites[n].load_exclusions(), excluded[n],
                           not_run[n]) for n, ps in p.selected.items()}
    results = write_results(run_dir, config, p.suites, scope, cfg.n_samples, cfg.seed, rounds=cfg.rounds)
    validate("results", json.loads(json.dumps(results)), run_dir / RESULTS)  # as written (tuples are lists)
    return results


def evaluation_threads(cfg: RunConfig, p: Plan, sandbox: Sandbox) -> int:
    """Threads of the local executor: ``--workers``, or twice that for Verilog suites on a sandbox
    that then runs at most ``--workers`` sandboxes at once (``Sandbox.bound``): each worker's next
    candidate is prepared and queued while it runs the current one."""
    if cfg.executor != "local" or any(s.family != "verilog" for s in p.suites.values()):
        return cfg.workers
    return 2 * cfg.workers if sandbox.bound(cfg.workers) else cfg.workers


def _evaluate_turns(run_dir: Path, cfg: RunConfig, p: Plan, problems: dict[tuple[str, str], Problem],
                    ctx: EvalContext, executor: Executor, progress: Progress, turns: Turns | None) -> None:
    """Agents first (their submissions are completions), then evaluation, then repair rounds."""
    if turns is not None and cfg.agent:
        from harness.multiturn.agent import AgentLimits, run_agents

        left_out = {(n, pr.id) for n, ps in p.selected.items() for pr in ps} - set(problems)
        selected = [(s, [pr for pr in p.selected[n] if (n, pr.id) not in left_out]) for n, s in p.suites.items()]
        run_agents(run_dir, turns.backend, selected, cfg.n_samples, turns.settings, ctx,
                   AgentLimits(cfg.max_turns, cfg.agent_tokens, cfg.agent_wall_s), progress, cfg.workers)

    def evaluate() -> int:
        return run_evaluation(run_dir, p.suites, problems, ctx, executor, progress,
                              cache=verdict_cache_from(cfg.suite_options.get("verdict_cache"), cache_dir()),
                              dedup=cfg.suite_options.get("dedup", "on") != "off")

    evaluate()
    if turns is not None and cfg.rounds > 1:
        from harness.multiturn.rounds import run_repair_rounds

        run_repair_rounds(run_dir, cfg.rounds, p.suites, problems, turns.backend, turns.settings,
                          cfg.suite_options.get("feedback", "tests"), evaluate, progress)


def evaluate_dir(run_dir: Path, overrides: dict[str, Any],
                 progress: Progress | None = None) -> tuple[Path, dict[str, Any]]:
    """``hweval evaluate DIR``: score a folder made by ``hweval generate`` (maybe elsewhere)."""
    if not run_dir.is_dir():
        raise UsageError(f"{run_dir}: not a run folder (give the --out folder of `hweval generate`)")
    saved = read_json(run_dir / CONFIG)
    cfg = RunConfig.from_json({**saved["run"], **{k: v for k, v in overrides.items() if v is not None}})
    cfg.out, cfg.resume = str(run_dir), True
    path, results = run(cfg, do_generate=False, progress=progress)
    assert results is not None
    return path, results
