"""Where evaluations run: a local thread pool (each task drives a sandboxed subprocess) or Ray.

Both return ``concurrent.futures.Future`` objects, so the evaluation driver is the same and
the results are identical.
"""
from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from harness.errors import UsageError


class Executor:
    workers: int = 1

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        raise NotImplementedError

    def close(self, wait: bool = True) -> None:
        """Release workers; ``wait=False`` (Ctrl-C) drops queued work and returns at once."""


class LocalExecutor(Executor):
    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="hweval-eval")

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        return self._pool.submit(fn, *args)

    def close(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=True)


class RayExecutor(Executor):
    """Evaluation tasks on a Ray cluster (``address``), or on a local Ray when none is given.

    Each task asks for one CPU, plus the GPUs a suite's evaluation needs (``Suite.resources``).
    """

    def __init__(self, workers: int, address: str | None = None) -> None:
        try:
            import ray
        except ImportError as exc:
            raise UsageError("--executor ray needs Ray: pip install 'hweval[ray]'") from exc
        self._ray = ray
        if not ray.is_initialized():
            if address:
                ray.init(address=address, ignore_reinit_error=True, log_to_driver=False)
            else:
                ray.init(num_cpus=max(1, workers), include_dashboard=False, ignore_reinit_error=True,
                         log_to_driver=False)
        cpus = int(ray.cluster_resources().get("CPU", workers))
        self.workers = max(1, cpus if address else workers)
        self._remote = ray.remote(_call)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        resources: dict[str, float] = {}
        suite = args[0] if args else None
        if suite is not None and hasattr(suite, "resources"):
            resources = dict(suite.resources(args[1]))
        opts: dict[str, Any] = {"num_cpus": resources.pop("CPU", 1), "max_retries": 0}
        if resources.get("GPU"):
            opts["num_gpus"] = resources.pop("GPU")
        # sandboxes hold locks, clients, warm containers: a task rebuilds its own by name
        args = tuple(_SandboxByName.wrap(a) for a in args)
        ref = self._remote.options(**opts).remote(fn, *args)
        return ref.future()

    def close(self, wait: bool = True) -> None:
        self._ray.shutdown()


class _SandboxByName:
    """An EvalContext whose sandbox travels as its registry name, rebuilt once per worker."""

    _built: dict[str, Any] = {}

    def __init__(self, ctx: Any) -> None:
        self.fields = {k: v for k, v in vars(ctx).items() if k != "sandbox"}
        self.sandbox_name = ctx.sandbox.name

    @classmethod
    def wrap(cls, arg: Any) -> Any:
        from harness.suite import EvalContext

        return cls(arg) if isinstance(arg, EvalContext) else arg

    def unwrap(self) -> Any:
        from harness import registry
        from harness.suite import EvalContext

        if self.sandbox_name not in self._built:
            self._built[self.sandbox_name] = registry.load("sandboxes", self.sandbox_name)()
        return EvalContext(sandbox=self._built[self.sandbox_name], **self.fields)


def _call(fn: Callable[..., Any], *args: Any) -> Any:
    return fn(*(a.unwrap() if isinstance(a, _SandboxByName) else a for a in args))


def make_executor(kind: str, workers: int, address: str | None = None) -> Executor:
    if kind == "local":
        return LocalExecutor(workers)
    if kind == "ray":
        return RayExecutor(workers, address)
    raise UsageError(f"--executor {kind!r}: choose local or ray")
