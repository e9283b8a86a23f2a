"""The ``hweval`` command line (DESIGN.md, "CLI contract").

Every flag has an environment twin: ``--n-samples`` reads ``HWEVAL_N_SAMPLES`` when not given.
Values are checked while parsing, from the command line and from the environment alike: a bad
value is one line naming the flag (or the variable) and what it accepts, exit 2, before any work.
Exit codes: 0 ok, 1 run finished with infra errors, 2 usage or input error, 130 interrupted.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from harness import __version__
from harness.config import LANGS, MAX_SHOTS, SIMULATORS
from harness.errors import BackendError, HwevalError

log = logging.getLogger("hweval")

TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


class EnvValue(str):
    """A default read from an environment twin; converters name the variable when it is wrong."""

    var: str

    def __new__(cls, value: str, var: str) -> EnvValue:
        obj = super().__new__(cls, value)
        obj.var = var
        return obj


class ArgParser(argparse.ArgumentParser):
    """argparse with one-line errors: ``hweval run: error: argument --timeout: ...``."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def _env(dest: str, default: Any) -> Any:
    return os.environ.get(f"HWEVAL_{dest.upper()}", default)


def _bad(value: str, expected: str) -> argparse.ArgumentTypeError:
    where = f"{value.var}={str(value)!r}" if isinstance(value, EnvValue) else repr(str(value))
    return argparse.ArgumentTypeError(f"{where}: expected {expected}")


def int_in(lo: int | None = None, hi: int | None = None) -> Callable[[str], int]:
    """An integer converter with an allowed range (inclusive bounds)."""
    expected = "an integer" + (f" >= {lo}" if lo is not None and hi is None else "") + \
        (f" between {lo} and {hi}" if lo is not None and hi is not None else "")

    def convert(text: str) -> int:
        try:
            value = int(str(text).strip())
        except ValueError:
            raise _bad(text, expected) from None
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise _bad(text, expected)
        return value
    convert.__name__ = "int"
    return convert


def float_in(lo: float | None = None, hi: float | None = None, lo_open: bool = False) -> Callable[[str], float]:
    """A finite float converter; ``lo_open`` makes the lower bound exclusive (> instead of >=)."""
    parts = []
    if lo is not None:
        parts.append(f"{'>' if lo_open else '>='} {lo:g}")
    if hi is not None:
        parts.append(f"<= {hi:g}")
    expected = "a number" + (" " + " and ".join(parts) if parts else "")

    def convert(text: str) -> float:
        try:
            value = float(str(text).strip())
        except ValueError:
            raise _bad(text, expected) from None
        if value != value or value in (float("inf"), float("-inf")):
            raise _bad(text, expected)
        if lo is not None and (value < lo or (lo_open and value == lo)):
            raise _bad(text, expected)
        if hi is not None and value > hi:
            raise _bad(text, expected)
        return value
    convert.__name__ = "float"
    return convert


def one_of(*values: str) -> Callable[[str], str]:
    def convert(text: str) -> str:
        if str(text) not in values:
            raise _bad(text, "one of " + ", ".join(values))
        return str(text)
    convert.__name__ = "choice"
    return convert


def plugin_name(kind: str) -> Callable[[str], str]:
    """A registered plugin name (``sandboxes``...), checked without importing it."""
    def convert(text: str) -> str:
        from harness import registry

        known = registry.names(kind)
        if str(text) not in known:
            where = f"{text.var}={str(text)!r}" if isinstance(text, EnvValue) else repr(str(text))
            raise argparse.ArgumentTypeError(f"unknown {kind[:-2] if kind == 'sandboxes' else kind[:-1]} "
                                             f"{where}; known: {', '.join(known)}")
        return str(text)
    convert.__name__ = kind
    return convert


def _truthy(text: str) -> bool:
    if str(text).strip().lower() in TRUE:
        return True
    if str(text).strip().lower() in FALSE:
        return False
    raise _bad(text, "one of " + ", ".join(t for t in TRUE + FALSE if t))


class _EnvFlag(argparse.Action):
    """``--flag`` (no value); its environment twin takes 1/0, true/false, yes/no, on/off."""

    def __init__(self, option_strings: Sequence[str], dest: str, default: Any = False, help: str | None = None,
                 **kw: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=default, type=_truthy, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        setattr(namespace, self.dest, True)


def _env_default(dest: str, default: Any) -> Any:
    var = f"HWEVAL_{dest.upper()}"
    raw = os.environ.get(var)
    return default if raw is None else EnvValue(raw, var)


def opt(p: argparse.ArgumentParser, *flags: str, default: Any = None, type: Callable[[str], Any] | None = None,
        help: str = "", **kw: Any) -> None:
    """An option whose default comes from its environment twin HWEVAL_<NAME>.

    An environment value is converted (and checked) by ``type`` only when the sub-command that
    owns the option runs, so a bad value breaks that command with one line, not every command.
    """
    dest = kw.pop("dest", flags[0].lstrip("-").replace("-", "_"))
    value = _env_default(dest, default)
    choices = kw.get("choices")
    if choices is not None and isinstance(value, EnvValue):
        check = one_of(*map(str, choices))
        base = type
        type = (lambda t: base(check(t))) if base is not None else check  # noqa: E731
    if type is not None:
        kw["type"] = type
    p.add_argument(*flags, dest=dest, default=value,
                   help=f"{help} [env HWEVAL_{dest.upper()}; default: {default}]", **kw)


def flag(p: argparse.ArgumentParser, *flags: str, help: str = "", dest: str | None = None) -> None:
    """A boolean ``--flag`` with an environment twin (HWEVAL_<NAME>=1/0, true/false...)."""
    dest = dest or flags[0].lstrip("-").replace("-", "_")
    p.add_argument(*flags, dest=dest, action=_EnvFlag, default=_env_default(dest, False),
                   help=f"{help} [env HWEVAL_{dest.upper()}]")


def _csv(text: str) -> list[str]:
    return [t for t in (s.strip() for s in text.split(",")) if t]


def _kv(items: Sequence[str] | None, flag_name: str = "-S") -> dict[str, str]:
    out = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            where = f"{item.var}={str(item)!r}" if isinstance(item, EnvValue) else repr(item)
            raise argparse.ArgumentTypeError(f"{flag_name} expects key=value, got {where}")
        out[key.strip()] = value.strip()
    return out


def _kv_env(dest: str) -> list[str] | None:
    """``-S``/``-B`` twins: HWEVAL_SUITE_OPTIONS="lint=off,synth=off" (command-line pairs add to them)."""
    var = f"HWEVAL_{dest.upper()}"
    raw = os.environ.get(var)
    return None if raw is None else [EnvValue(t, var) for t in _csv(raw)]


def suite_option_arg(p: argparse.ArgumentParser, help: str = "suite-specific option, e.g. -S lint=off") -> None:
    p.add_argument("-S", "--suite-option", dest="suite_options", action="append", metavar="KEY=VALUE",
                   default=_kv_env("suite_options"), help=f"{help} [env HWEVAL_SUITE_OPTIONS=k=v,k=v]")


def add_selectors(p: argparse.ArgumentParser) -> None:
    """The options of ``run`` and ``generate`` (each with its environment twin and allowed range)."""
    opt(p, "--suite", dest="suites", type=_csv, required=_env("suites", None) is None,
        help="suite name(s), comma separated")
    opt(p, "--model", default="reference", help="BACKEND[:MODEL], e.g. reference, mutant, replay:F.jsonl")
    opt(p, "--n-samples", default=1, type=int_in(1), help="samples per problem")
    opt(p, "--temperature", default=0.0, type=float_in(0.0), help="sampling temperature")
    opt(p, "--top-p", default=None, type=float_in(0.0, 1.0, lo_open=True), help="nucleus sampling")
    opt(p, "--max-tokens", default=2048, type=int_in(1), help="max new tokens per sample")
    opt(p, "--limit", default=None, type=int_in(1), help="first K problems of each suite")
    opt(p, "--problems", default=None, type=_csv, help="problem ids, comma separated")
    add_eval_options(p)
    opt(p, "--data", default=None, help="dataset PATH or hf://OWNER/NAME for public suites")
    opt(p, "--seed", default=0, type=int_in(0), help="seed for sampling and stimulus")
    opt(p, "--lang", default=None, type=one_of(*LANGS), help="kernel language: triton | cuda (or -S lang=)")
    opt(p, "--simulator", default="icarus", type=one_of(*SIMULATORS), help="icarus | verilator (or -S simulator=)")
    opt(p, "--base-url", default=None, help="OpenAI-compatible server URL")
    opt(p, "--api-key-env", default=None, help="name of the env variable holding the API key")
    opt(p, "--max-connections", default=8, type=int_in(1), help="concurrent requests to a model server")
    opt(p, "--request-timeout", default=120.0, type=float_in(0.0, lo_open=True),
        help="seconds to wait for a model server's answer")
    opt(p, "--max-retries", default=5, type=int_in(0),
        help="retries of a model request on 429, 5xx, timeouts and dropped connections")
    opt(p, "--generation-cache", default="on", type=one_of("on", "off"),
        help="reuse samples generated by earlier runs with the same backend, model, prompt and settings "
             "($HWEVAL_CACHE/generations, default ~/.cache/hweval/generations)")
    p.add_argument("-B", "--backend-option", dest="backend_options", action="append", metavar="KEY=VALUE",
                   default=_kv_env("backend_options"),
                   help="backend-specific option, e.g. -B mode=completion [env HWEVAL_BACKEND_OPTIONS=k=v,k=v]")
    opt(p, "--executor", default="local", type=one_of("local", "ray"), help="local | ray")
    opt(p, "--ray-address", default=None, help="Ray cluster address (default: a local Ray)")
    opt(p, "--shots", default=0, type=int_in(0, MAX_SHOTS),
        help=f"in-context examples for suites that have them (0..{MAX_SHOTS}; or -S shots=)")
    opt(p, "--hls-include", default=None, help="folder with ap_int.h/hls_stream.h (default: hls4ml's)")
    flag(p, "--equiv", help="also check formal equivalence against the reference (yosys)")
    suite_option_arg(p, help="suite-specific option, e.g. -S lint=off, -S validate=off (`hweval list suites` "
                             "shows each suite's options)")
    opt(p, "--rounds", default=1, type=int_in(1),
        help="repair rounds: a failing sample gets the evaluation's feedback and answers again, up to R times "
             "(-S feedback=compile|tests|full)")
    flag(p, "--agent", help="the model calls sandboxed tools (write, compile, visible checks) before submitting")
    opt(p, "--max-turns", default=10, type=int_in(1), help="--agent: model turns per sample")
    opt(p, "--agent-tokens", default=None, type=int_in(1), help="--agent: token budget per sample")
    opt(p, "--agent-wall", dest="agent_wall_s", default=600.0, type=float_in(0.0, lo_open=True),
        help="--agent: wall-clock budget per sample (s)")
    opt(p, "--out", default=None, help="run folder (default results/runs/<suite>-<model>-<stamp>)")
    flag(p, "--resume", help="continue the run in --out")


def add_eval_options(p: argparse.ArgumentParser, *, defaults: bool = True) -> None:
    """--workers, --sandbox, --allow-unsandboxed, --timeout (``defaults=False``: keep the run's own)."""
    opt(p, "--workers", default=(os.cpu_count() or 1) if defaults else None, type=int_in(1),
        help="parallel evaluations")
    opt(p, "--sandbox", default="local" if defaults else None, type=plugin_name("sandboxes"),
        help="local (bubblewrap) | docker | none")
    flag(p, "--allow-unsandboxed", help="permit --sandbox none")
    opt(p, "--timeout", dest="timeout_s", default=60.0 if defaults else None, type=float_in(0.0, lo_open=True),
        help="wall-time limit per sample (s)")


#: Modules that add sub-commands: each has ``register(sub)`` adding parsers with a ``func``.
COMMAND_MODULES = [
    "harness.commands",
    "harness.publish.commands",
    "harness.sandbox.commands",
    "harness.audit.commands",
    "harness.scaffold.commands",
]
#: The sub-commands each module adds: ``hweval run ...`` imports only the module of ``run``
#: (start-up time); no sub-command (``hweval --help``) or an unknown one imports them all.
COMMANDS = {
    "list": "harness.commands", "run": "harness.commands", "generate": "harness.commands",
    "evaluate": "harness.commands", "report": "harness.commands", "validate": "harness.commands",
    "publish": "harness.publish.commands", "compare": "harness.publish.commands",
    "sandbox": "harness.sandbox.commands", "audit": "harness.audit.commands",
    "new-suite": "harness.scaffold.commands",
}


def _modules_for(argv: Sequence[str] | None) -> list[str]:
    """The command modules to import for ``argv``: the sub-command's own, or all of them."""
    words = [a for a in (sys.argv[1:] if argv is None else argv) if not a.startswith("-")]
    return [COMMANDS[words[0]]] if words and words[0] in COMMANDS else list(COMMAND_MODULES)


def build_parser(argv: Sequence[str] | None = ()) -> argparse.ArgumentParser:
    """The ``hweval`` parser. With ``argv`` (None: ``sys.argv``) only the module that adds its
    sub-command is imported; the default ``()`` adds every sub-command."""
    common = ArgParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show tracebacks and debug logs")
    common.add_argument("--no-progress", action="store_true", default=argparse.SUPPRESS,
                        help="no progress bars or progress lines [env HWEVAL_NO_PROGRESS=1]")
    parser = ArgParser(prog="hweval", description="Evaluate LLMs on hardware code.", parents=[common])
    parser.add_argument("--version", action="version", version=f"hweval {__version__}")
    # no set_defaults here: the --debug/--no-progress actions are shared with every sub-command
    # (argparse parents), so a default set on one would reset a flag given before the sub-command
    sub = parser.add_subparsers(dest="command", required=True)
    _add = sub.add_parser

    def add_parser(name: str, **kw: Any) -> argparse.ArgumentParser:
        return _add(name, parents=[common], **kw)

    sub.add_parser = add_parser  # type: ignore[method-assign,assignment]

    import importlib

    for name in _modules_for(argv) if argv != () else COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:  # one broken command module must not take the others down
            print(f"hweval: warning: commands from {name} unavailable: {exc}", file=sys.stderr)
            continue
        module.register(sub)
    return parser


def _interrupted() -> NoReturn:
    """Ctrl-C: kill every tool process still running, then leave at once (no waiting on threads).

    Journals are flushed per record, so the run resumes from what was written."""
    from harness.proc import kill_all

    kill_all()
    print("hweval: interrupted; `hweval run --resume --out DIR` continues the run", file=sys.stderr)
    logging.shutdown()
    sys.stderr.flush()
    try:
        sys.stdout.flush()
    except OSError:
        pass
    os._exit(130)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        parser = build_parser(argv)
        args = parser.parse_args(argv)
    except KeyboardInterrupt:
        _interrupted()
    args.debug = bool(getattr(args, "debug", False))
    args.no_progress = bool(getattr(args, "no_progress", False)) or \
        str(_env("no_progress", "")).strip().lower() in TRUE
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        if hasattr(args, "suite_options"):
            args.suite_options = _kv(args.suite_options, "-S")
        if hasattr(args, "backend_options"):
            args.backend_options = _kv(args.backend_options, "-B")
        code = int(args.func(args) or 0)
        sys.stdout.flush()
        return code
    except argparse.ArgumentTypeError as exc:
        parser.error(str(exc))
    except (HwevalError, BackendError) as exc:
        if args.debug:
            raise
        print(f"hweval: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        _interrupted()
    except BrokenPipeError:  # `hweval report --json | head`: the reader left; nothing more to say
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:  # a file the user named cannot be read or written
        if args.debug:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"hweval: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2


def dump_json(obj: Any) -> None:
    print(json.dumps(obj, indent=2, sort_keys=True))


if __name__ == "__main__":
    sys.exit(main())
