"""The Ray engine: ``parley ingest --engine ray [--address ADDR]``.

The same analysis as the local worker pool (``parley.ingest._Pool``), on a Ray cluster:
``jobs`` long-lived actors each load the spaCy pipeline and the knowledge base once;
``ingest_items`` shards the input as it streams (groups of cleaned documents, a bounded
window of them in flight), each group goes to the least busy actor, and the extractions
come back to this process, which writes them to the store (DuckDB or PostgreSQL) in input
order, exactly as the local engine does. The events are therefore identical.

A group lost to the cluster (an actor or its node dies: a Ray error, never a parley error,
which ``_analyze_group`` turns into the document's message) is sent once more, to another
actor (a dead actor is replaced); a second loss stops the ingest with ``RayEngineError``.

Without ``address`` a local Ray instance with ``jobs`` CPUs is started and shut down at the
end; ``address`` ("auto", "HOST:6379", "ray://HOST:10001") joins an existing cluster, whose
nodes need parley and its spaCy model installed (the versions are checked). Nothing is
downloaded and usage statistics are off.
"""
from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import Future
from typing import Optional

log = logging.getLogger("parley.ray")

ATTEMPTS = 2  # a group lost to the cluster is sent once more, to another actor


class RayEngineError(RuntimeError):
    """The Ray cluster could not analyse a group (after a retry), or cannot be used at all."""


def _import_ray():
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no phone-home (set before Ray is imported)
    try:
        import ray
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise RayEngineError("--engine ray needs Ray: pip install ray (see requirements.txt)") from e
    return ray


def _env_vars() -> dict:
    """The parley settings workers must share with this process (model, prefilter, limits)."""
    return {k: v for k, v in os.environ.items() if k.startswith("PARLEY_")}


def _reachable(address: str, timeout: float = 10.0) -> None:
    """Fail at once on a HOST:PORT nobody listens on (Ray itself would retry for minutes)."""
    import socket

    rest = address.split("://", 1)[1] if "://" in address else address
    host, sep, port = rest.rpartition(":")
    if not sep or not port.isdigit():
        return  # "auto", "local" or a form Ray resolves itself
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as e:
        raise RayEngineError(f"cannot reach the Ray cluster at {address}: {e.strerror or e}") from e


def fingerprint() -> dict:
    """What must match between this process and the workers for identical extractions: parley's code
    and data (a hash of the package's files), spaCy and the model."""
    import hashlib
    from importlib import metadata
    from pathlib import Path

    from . import __version__, nlp

    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for f in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".yaml", ".sql") and p.is_file()):
        h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes())
    out = {"parley": __version__, "files": h.hexdigest()[:16], "model": nlp.MODEL}
    for dist in ("spacy", nlp.MODEL):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = None
    return out


class _Analyzer:
    """One worker: the pipeline and the knowledge base loaded once, then groups analysed."""

    def __init__(self):
        from . import nlp
        from .kb import KB

        KB.load()
        nlp.pipeline()

    def fingerprint(self) -> dict:
        return fingerprint()

    def node(self) -> str:
        """The id of the Ray node this actor runs on."""
        import ray

        return ray.get_runtime_context().get_node_id()

    def analyze(self, work: list, prefilter: Optional[bool], published=None, outlet=None) -> list:
        from .ingest import _analyze_group

        return _analyze_group(work, prefilter, published, outlet)


class RayPool:
    """``ingest_items``' engine interface on Ray: ``window``, ``submit(built) -> Future``, ``close()``."""

    def __init__(self, jobs: int, prefilter: Optional[bool], address: Optional[str] = None, published=None,
                 outlet=None):
        ray = self.ray = _import_ray()
        from . import pipeline

        # Decide the first pass here, so every worker does what this process would have done.
        self.prefilter = pipeline.PREFILTER if prefilter is None else prefilter
        self.hints = (published, outlet)  # what the command line says of every item
        jobs = max(1, int(jobs or 1))
        runtime_env = {"env_vars": _env_vars()}
        self.started = False
        if not ray.is_initialized():
            opts = dict(runtime_env=runtime_env, include_dashboard=False, log_to_driver=False,
                        logging_level=logging.ERROR, configure_logging=True)
            try:
                if address:
                    _reachable(address)
                    ray.init(address=address, **opts)
                else:  # "local": a new instance, never a cluster found on this machine or in $RAY_ADDRESS
                    ray.init(address="local", num_cpus=jobs, **opts)
            except RayEngineError:
                raise
            except Exception as e:
                where = f"the Ray cluster at {address}" if address else "a local Ray instance"
                raise RayEngineError(f"cannot start or join {where}: {e.__class__.__name__}: {e}") from e
            self.started = True
        cpus = int(ray.cluster_resources().get("CPU", 0))
        if cpus and jobs > cpus:  # an actor the cluster cannot place would hold its groups forever
            log.warning("%d jobs asked for; the Ray cluster has %d CPUs: using %d actors", jobs, cpus, cpus)
            jobs = cpus
        self.jobs = jobs
        from .ingest import window

        self.window = window(jobs)
        self.retries = 0  # groups sent a second time (for tests and logs)
        self._remote = ray.remote(num_cpus=1, max_restarts=0, max_task_retries=0)(_Analyzer)
        self._runtime_env = runtime_env
        self._lock = threading.Lock()
        self._closed = False
        self.actors = [self._spawn() for _ in range(jobs)]
        self._busy = [0] * jobs
        try:
            self._check(ray.get([a.fingerprint.remote() for a in self.actors]))
        except RayEngineError:
            self.close()
            raise
        except Exception as e:
            self.close()
            raise RayEngineError(f"the Ray workers could not load parley: {e.__class__.__name__}: {e}") from e

    def _spawn(self):
        return self._remote.options(runtime_env=self._runtime_env).remote()

    def _check(self, prints: list) -> None:
        here = fingerprint()
        for p in prints:
            if p != here:
                raise RayEngineError(f"a Ray worker runs {p}, this process {here}: the extractions would differ; "
                                     "install the same parley, spaCy and model on the cluster's nodes")

    # -- the engine interface ------------------------------------------------------------------------
    def submit(self, built: list) -> Future:
        """A future of ``_analyze_group(built, prefilter)``'s list, computed on an actor."""
        out: Future = Future()
        out.set_running_or_notify_cancel()
        self._send(built, out, attempt=1, avoid=None)
        return out

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        ray = self.ray
        for a in getattr(self, "actors", []):
            try:
                ray.kill(a, no_restart=True)
            except Exception:  # already dead, or the cluster is gone
                pass
        if self.started and ray.is_initialized():
            ray.shutdown()

    # -- internals -----------------------------------------------------------------------------------
    def _pick(self, avoid) -> int:
        """The least busy actor, another than ``avoid`` when there is another."""
        with self._lock:
            order = sorted(range(len(self.actors)), key=lambda i: (i == avoid, self._busy[i], i))
            i = order[0]
            self._busy[i] += 1
            return i

    def _send(self, built: list, out: Future, attempt: int, avoid) -> None:
        if self._closed:
            out.set_exception(RayEngineError("the Ray engine was closed"))
            return
        i = self._pick(avoid)
        actor = self.actors[i]
        try:
            ref = actor.analyze.remote(built, self.prefilter, *self.hints)
        except Exception as e:  # the cluster is gone
            self._done(i)
            self._lost(built, out, attempt, i, actor, e)
            return
        ref.future().add_done_callback(lambda f: self._landed(f, built, out, attempt, i, actor))

    def _done(self, i: int) -> None:
        with self._lock:
            self._busy[i] = max(0, self._busy[i] - 1)

    def _landed(self, f: Future, built, out: Future, attempt: int, i: int, actor) -> None:
        self._done(i)
        try:
            result = f.result()
        except BaseException as e:  # a Ray error: the task's analysis never ran to its end
            # Ray runs this callback on its own thread: resend from ours
            threading.Thread(target=self._lost, args=(built, out, attempt, i, actor, e), daemon=True).start()
            return
        out.set_result(result)

    def _lost(self, built, out: Future, attempt: int, i: int, actor, err: BaseException) -> None:
        from .ingest import source_of

        names = ", ".join(source_of(w) for w in built)
        try:
            if isinstance(err, self.ray.exceptions.RayActorError) and not self._closed:
                with self._lock:
                    if self.actors[i] is actor:  # replace the dead actor (once, whoever notices first)
                        self.actors[i] = self._spawn()
                        self._busy[i] = 0
            if attempt < ATTEMPTS and not self._closed:
                with self._lock:
                    self.retries += 1
                log.warning("Ray lost a group (%s: %s); sending it to another actor", err.__class__.__name__, names)
                self._send(built, out, attempt + 1, avoid=i)
                return
        except Exception as e:  # the cluster cannot take the group again
            err = e
        if not out.done():
            first = str(err).strip().splitlines()[0] if str(err).strip() else ""
            out.set_exception(RayEngineError(
                f"the Ray cluster failed to analyse {len(built)} document(s) ({names}) after {attempt} "
                f"attempt(s); last error: {err.__class__.__name__}: {first}"))
