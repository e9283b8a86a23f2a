"""``hweval sandbox build|check|cleanup``: the Docker images, what works here, leftovers."""
from __future__ import annotations

import argparse
import json
import logging
import os
import socket
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def register(sub: Any) -> None:
    from harness.cli import _csv, flag, opt

    p = sub.add_parser("sandbox", help="build the Docker images, check the sandboxes, remove leftovers")
    ss = p.add_subparsers(dest="sandbox_command", required=True)

    b = ss.add_parser("build", help="build the sandbox images offline (debootstrap + docker import, no registry)")
    opt(b, "--profiles", default=None, type=_csv, help="family images to build (rtl,hls,kernels; default all)")
    flag(b, "--force", help="rebuild even when up to date")
    opt(b, "--recipes", default=None, help="folder of the recipes (default: the checkout's sandboxes/)")
    flag(b, "--json", help="print JSON")
    b.set_defaults(func=cmd_build)

    c = ss.add_parser("check", help="report which sandboxes work on this machine")
    opt(c, "--kinds", default=None, type=_csv, help="sandboxes to check (default: every registered one)")
    flag(c, "--json", help="print JSON")
    c.set_defaults(func=cmd_check)

    k = ss.add_parser("cleanup", help="remove containers, mounts and cgroups left by dead hweval processes")
    flag(k, "--all", help="also containers of live hweval processes on this host")
    flag(k, "--json", help="print JSON")
    k.set_defaults(func=cmd_cleanup)


def _docker_client() -> Any:
    from harness.errors import ToolMissingError

    try:
        import docker

        client = docker.from_env(timeout=600)
        client.ping()
    except Exception as exc:  # noqa: BLE001 - any failure to reach the engine is the same advice
        raise ToolMissingError(f"no Docker engine reachable ({exc}): install docker.io and start dockerd "
                               f"(sandboxes/ensure-docker.sh does both)") from exc
    return client


def cmd_build(args: argparse.Namespace) -> int:
    from harness.sandbox import images

    client = _docker_client()
    profiles = args.profiles or list(images.PROFILES)
    reports = images.build_images(client, profiles, force=args.force,
                                  root=Path(args.recipes) if args.recipes else None)
    if args.json:
        print(json.dumps([r.__dict__ for r in reports], indent=2))
    else:
        for r in reports:
            print(f"{r.image:28s} {r.action:11s} {r.detail[:200] if r.action == 'failed' else r.detail[:19]}")
    return 1 if any(r.action == "failed" for r in reports) else 0


def cmd_check(args: argparse.Namespace) -> int:
    from harness import registry

    kinds = args.kinds or [row["name"] for row in registry.describe("sandboxes")]
    rows = []
    for kind in kinds:
        try:
            sandbox = registry.load("sandboxes", kind)()
            ok, detail = sandbox.check()
            sandbox.close()
        except Exception as exc:  # noqa: BLE001 - a broken sandbox is reported, not raised
            ok, detail = False, f"{type(exc).__name__}: {exc}"
        rows.append({"sandbox": kind, "ok": ok, "detail": detail})
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        for row in rows:
            print(f"{row['sandbox']:8s} {'ok' if row['ok'] else 'FAILED':7s} {row['detail']}")
    return 0 if all(r["ok"] for r in rows if r["sandbox"] != "none") else 1


def _alive(owner: str) -> bool:
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine's container: not ours to judge
    return Path(f"/proc/{pid}").exists()


def cmd_cleanup(args: argparse.Namespace) -> int:
    from harness.sandbox.docker import LABEL, OWNER_LABEL
    from harness.sandbox.scratch import remove_stale_tmpfs

    removed: dict[str, list[str]] = {"containers": [], "mounts": [], "cgroups": []}
    try:
        import docker

        client = docker.from_env(timeout=60)
        client.ping()
    except Exception as exc:  # noqa: BLE001 - no engine: nothing of Docker to clean
        log.info("no Docker engine (%s): skipping containers", exc)
        client = None
    if client is not None:
        for c in client.containers.list(all=True, filters={"label": LABEL}):
            owner = c.labels.get(OWNER_LABEL, "")
            if args.all or not owner or not _alive(owner):
                c.remove(force=True)
                removed["containers"].append(c.short_id)
    if os.geteuid() == 0:
        removed["mounts"] = [str(p) for p in remove_stale_tmpfs()]
        from harness.sandbox import cgroups

        factory = cgroups.detect()
        removed["cgroups"] = factory.remove_stale() if factory else []
    if args.json:
        print(json.dumps(removed, indent=2))
    else:
        for what, items in removed.items():
            print(f"removed {len(items)} {what}" + (f": {', '.join(items)}" if items else ""))
    return 0

