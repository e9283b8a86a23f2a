"""The leaderboard file ``hweval.leaderboard/1`` as typed records: its JSON Schema
(:func:`harness.publish.schema.json_schema`) is generated from these classes, like the run
files' (:mod:`harness.schemas`). ``Annotated[T, Json(...)]`` hints carry the constraints (minimums, hash
patterns); ``schema_open`` marks the objects that may hold unlisted keys.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from harness.schemas import Json

LEADERBOARD_SCHEMA = "hweval.leaderboard/1"

Count = Annotated[int, Json(minimum=0)]
Hash = Annotated[str, Json(pattern="^[0-9a-f]{6,64}$")]
Moment = Annotated[str, Json(format="date-time")]
Counts = dict[str, Count]


@dataclass
class Stat:
    """A mean over problems with its standard error and 95% bootstrap interval. Metrics reported
    without statistics carry null stderr/ci95/n."""

    mean: float | None
    stderr: float | None
    ci95: Annotated[list[float | None], Json(minItems=2, maxItems=2)]
    n: Annotated[int | None, Json(minimum=0)]


@dataclass
class Scope:
    """What the scores cover: problems the suite loaded, the loader dropped (by reason), selected,
    excluded because the reference failed its own tests (by status), and could not be run here (by
    reason); optional in older rows."""

    n_loaded: Count
    n_excluded: Count
    excluded_by_reason: Counts
    n_not_run: Count
    not_run_by_reason: Counts
    n_selected: Count | None = None
    load_exclusions: Counts | None = None


@dataclass
class ProblemCount:
    """Passing samples c of n scored samples of one problem."""

    n: Count
    c: Count


@dataclass
class ExcludedProblem:
    """A problem left out of the scores (its reference failed its own tests), with why."""

    schema_open: ClassVar[bool] = True
    problem_id: str


@dataclass
class RunRef:
    """The run folder a row comes from."""

    dir: str
    finished_at: Moment


@dataclass
class LeaderboardRow:
    """One (model, suite, settings) result, from one run folder."""

    model: Annotated[str, Json(minLength=1, description="BACKEND[:MODEL] as given to --model")]
    backend: Annotated[dict[str, Any] | None, Json(description="the backend's identity (no secrets)")]
    suite: Annotated[str, Json(minLength=1)]
    family: Annotated[str, Json(minLength=1)]
    suite_version: str
    content_hash: Hash
    settings: Annotated[dict[str, Any], Json(description="generation and evaluation settings that change "
                                                        "results (n_samples, temperature, seed, suite_options ...)")]
    settings_hash: Hash
    config_hash: Hash
    n_problems: Count
    n_samples: Count
    k_values: list[Annotated[int, Json(minimum=1)]]
    metrics: dict[str, Stat]
    other_metrics: Annotated[dict[str, Any], Json(description="family metrics that are not a mean")]
    status_counts: Counts
    per_problem: Annotated[dict[str, ProblemCount], Json(description="passing samples per problem")]
    excluded: list[ExcludedProblem]
    harness_version: str
    git_hash: str | None
    tools: dict[str, str | None]
    sandbox: dict[str, Any] | None
    run: RunRef
    scope: Scope | None = None


@dataclass
class SuiteVersion:
    """The one version all rows of a suite share."""

    family: str
    suite_version: str
    content_hash: Hash


@dataclass
class ModelSummary:
    """Per model: the newest row of each suite it was run on."""

    model: str
    n_rows: Annotated[int, Json(minimum=1)]
    suites: list[str]
    headline_metric: str
    headline: Annotated[dict[str, float | None], Json(description="suite -> mean of the headline metric")]
    mean_headline: Annotated[float | None, Json(description="unweighted mean over suites")]
    status_counts: Counts


@dataclass
class Leaderboard:
    """A leaderboard file (``hweval publish``)."""

    schema: Annotated[Any, Json(const=LEADERBOARD_SCHEMA)]
    generated_at: Moment
    harness_version: str
    suites: Annotated[dict[str, SuiteVersion], Json(description="every suite on the board, with the one "
                                                                "version all its rows share")]
    rows: list[LeaderboardRow]
    models: list[ModelSummary]
