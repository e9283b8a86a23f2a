"""The ``hweval`` command line (DESIGN.md, "CLI contract").

Every flag has an environment twin: ``--n-samples`` reads ``HWEVAL_N_SAMPLES`` when not given.
Exit codes: 0 ok, 1 run finished with infra errors, 2 usage or input error.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from harness import __version__
from harness.errors import BackendError, HwevalError

log = logging.getLogger("hweval")


def _env(dest: str, default: Any) -> Any:
    return os.environ.get(f"HWEVAL_{dest.upper()}", default)


def opt(p: argparse.ArgumentParser, *flags: str, default: Any = None, type: Callable[[str], Any] | None = None,
        help: str = "", **kw: Any) -> None:
    """An option whose default comes from its environment twin HWEVAL_<NAME>."""
    dest = kw.pop("dest", flags[0].lstrip("-").replace("-", "_"))
    value = _env(dest, default)
    if type is not None and isinstance(value, str) and value is not default:
        value = type(value)
    p.add_argument(*flags, dest=dest, default=value, type=type,
                   help=f"{help} [env HWEVAL_{dest.upper()}; default: {default}]", **kw)


def _csv(text: str) -> list[str]:
    return [t for t in (s.strip() for s in text.split(",")) if t]


def _kv(items: Sequence[str] | None) -> dict[str, str]:
    out = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise argparse.ArgumentTypeError(f"-S expects key=value, got {item!r}")
        out[key.strip()] = value.strip()
    return out


def add_selectors(p: argparse.ArgumentParser) -> None:
    opt(p, "--suite", dest="suites", type=_csv, required=_env("suites", None) is None,
        help="suite name(s), comma separated")
    opt(p, "--model", default="reference", help="BACKEND[:MODEL], e.g. reference, mutant, replay:F.jsonl")
    opt(p, "--n-samples", default=1, type=int, help="samples per problem")
    opt(p, "--temperature", default=0.0, type=float, help="sampling temperature")
    opt(p, "--top-p", default=None, type=float, help="nucleus sampling")
    opt(p, "--max-tokens", default=2048, type=int, help="max new tokens per sample")
    opt(p, "--limit", default=None, type=int, help="first K problems of each suite")
    opt(p, "--problems", default=None, type=_csv, help="problem ids, comma separated")
    opt(p, "--workers", default=os.cpu_count() or 1, type=int, help="parallel evaluations")
    opt(p, "--sandbox", default="local", help="local (bubblewrap) | docker | none")
    p.add_argument("--allow-unsandboxed", action="store_true",
                   default=bool(_env("allow_unsandboxed", "")), help="permit --sandbox none")
    opt(p, "--data", default=None, help="dataset PATH or hf://OWNER/NAME for public suites")
    opt(p, "--seed", default=0, type=int, help="seed for sampling and stimulus")
    opt(p, "--lang", default=None, help="kernel language: triton | cuda")
    opt(p, "--simulator", default="icarus", help="icarus | verilator")
    opt(p, "--base-url", default=None, help="OpenAI-compatible server URL")
    opt(p, "--api-key-env", default=None, help="name of the env variable holding the API key")
    opt(p, "--max-connections", default=8, type=int, help="concurrent requests to a model server")
    opt(p, "--executor", default="local", help="local | ray")
    opt(p, "--ray-address", default=None, help="Ray cluster address (default: a local Ray)")
    opt(p, "--shots", default=0, type=int, help="in-context examples for suites that have them (0..4)")
    opt(p, "--hls-include", default=None, help="folder with ap_int.h/hls_stream.h (default: hls4ml's)")
    p.add_argument("--equiv", action="store_true", default=bool(_env("equiv", "")),
                   help="also check formal equivalence against the reference (yosys)")
    opt(p, "--timeout", dest="timeout_s", default=60.0, type=float, help="wall-time limit per sample (s)")
    p.add_argument("-S", "--suite-option", dest="suite_options", action="append", metavar="KEY=VALUE",
                   help="suite-specific option, e.g. -S lint=off, -S validate=off")
    opt(p, "--out", default=None, help="run folder (default results/runs/<suite>-<model>-<stamp>)")
    p.add_argument("--resume", action="store_true", default=bool(_env("resume", "")),
                   help="continue the run in --out")


#: Modules that add sub-commands: each has ``register(sub)`` adding parsers with a ``func``.
COMMAND_MODULES = [
    "harness.commands",
]


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show tracebacks and debug logs")
    common.add_argument("--no-progress", action="store_true", default=argparse.SUPPRESS,
                        help="no progress bars")
    parser = argparse.ArgumentParser(prog="hweval", description="Evaluate LLMs on hardware code.",
                                     parents=[common])
    parser.add_argument("--version", action="version", version=f"hweval {__version__}")
    parser.set_defaults(debug=False, no_progress=bool(_env("no_progress", "")))
    sub = parser.add_subparsers(dest="command", required=True)
    _add = sub.add_parser

    def add_parser(name: str, **kw: Any) -> argparse.ArgumentParser:
        return _add(name, parents=[common], **kw)

    sub.add_parser = add_parser  # type: ignore[method-assign]

    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        handler = args.func
        if hasattr(args, "suite_options"):
            args.suite_options = _kv(args.suite_options)
        return int(handler(args) or 0)
    except argparse.ArgumentTypeError as exc:
        parser.error(str(exc))
    except (HwevalError, BackendError) as exc:
        if args.debug:
            raise
        print(f"hweval: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("hweval: interrupted; --resume continues the run", file=sys.stderr)
        return 130
    return 0


def dump_json(obj: Any) -> None:
    print(json.dumps(obj, indent=2, sort_keys=True))


if __name__ == "__main__":
    sys.exit(main())
