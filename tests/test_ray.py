"""The Ray engine (``parley ingest --engine ray [--address ...]``): the same events as the local engine.

A real Ray cluster is started once for the module: a head node and a second worker node
(``ray start``, one CPU each, token authentication with a throwaway token, no dashboard, no
usage statistics), and the ingests join it by address, two actors on two raylets. The CLI test
starts its own local Ray instance (``--engine ray`` without ``--address``). Skipped when Ray is
not installed.
"""
from __future__ import annotations

import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from parley.ingest import ingest
from parley.store import Store

from conftest import ARTICLES, FIXTURES

if importlib.util.find_spec("ray") is None:
    pytest.skip("Ray is not installed (pip install ray; see requirements.txt)", allow_module_level=True)

MERGE = FIXTURES / "merge"
RAY = Path(sys.executable).parent / "ray"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ray_env(token: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    env.update(RAY_USAGE_STATS_ENABLED="0", RAY_AUTH_MODE="token", RAY_AUTH_TOKEN=token)
    return env


def _stop(proc: subprocess.Popen) -> None:
    """End one `ray start --block` and the processes it started (its own process group)."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=2)
    except subprocess.TimeoutExpired:  # it drains for up to 30 s; nothing here needs draining
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass


@pytest.fixture(scope="module")
def cluster():
    """A two-node Ray cluster on this machine: its address (HOST:PORT)."""
    token = secrets.token_hex(32)
    env = _ray_env(token)
    saved = {k: os.environ.get(k) for k in ("RAY_USAGE_STATS_ENABLED", "RAY_AUTH_MODE", "RAY_AUTH_TOKEN",
                                            "RAY_ADDRESS")}
    tmp = tempfile.mkdtemp(prefix="ray")  # short: Ray's unix sockets live under it
    port = _free_port()
    address = f"127.0.0.1:{port}"
    common = ["--block", "--num-cpus", "1", "--temp-dir", tmp, "--disable-usage-stats"]
    procs = []
    log = open(Path(tmp) / "nodes.log", "wb")
    try:
        procs.append(subprocess.Popen([str(RAY), "start", "--head", "--port", str(port), "--include-dashboard",
                                       "false", *common], env=env, stdout=log, stderr=log, start_new_session=True))
        _wait_for(address, procs[0], tmp)
        procs.append(subprocess.Popen([str(RAY), "start", "--address", address, *common], env=env, stdout=log,
                                      stderr=log, start_new_session=True))
        os.environ.update(RAY_USAGE_STATS_ENABLED="0", RAY_AUTH_MODE="token", RAY_AUTH_TOKEN=token)
        os.environ.pop("RAY_ADDRESS", None)
        _wait_for_nodes(address, 2, procs, tmp)
        yield address
    finally:
        for p in reversed(procs):
            _stop(p)
        log.close()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        shutil.rmtree(tmp, ignore_errors=True)


def _wait_for(address: str, proc, tmp, timeout: float = 60) -> None:
    host, port = address.rsplit(":", 1)
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            pytest.fail(f"`ray start --head` ended: {(Path(tmp) / 'nodes.log').read_text()[-2000:]}")
        try:
            socket.create_connection((host, int(port)), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"the Ray head did not listen on {address} within {timeout} s")


def _wait_for_nodes(address: str, n: int, procs, tmp, timeout: float = 60) -> None:
    import ray

    ray.init(address=address, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    try:
        end = time.monotonic() + timeout
        while sum(1 for x in ray.nodes() if x["Alive"]) < n:
            if time.monotonic() > end or any(p.poll() is not None for p in procs):
                pytest.fail(f"the Ray cluster has not {n} nodes: {(Path(tmp) / 'nodes.log').read_text()[-2000:]}")
            time.sleep(0.3)
    finally:
        ray.shutdown()


@pytest.fixture(scope="module")
def local_run(tmp_path_factory) -> str:
    """The fixture articles ingested by the local engine, in this process: the DuckDB file."""
    path = str(tmp_path_factory.mktemp("local") / "local.duckdb")
    with Store(path) as s:
        summary = ingest([str(ARTICLES), str(MERGE)], s, jobs=1)
    assert not summary.failed and summary.added == 13, summary.to_dict()
    return path


def same_store(a: str, b: str) -> None:
    with Store(a, read_only=True) as x, Store(b, read_only=True) as y:
        xe, ye = x.events(), y.events()
        assert xe and [e["id"] for e in xe] == [e["id"] for e in ye]
        assert xe == ye
        assert [x.explain(e["id"]) for e in xe] == [y.explain(e["id"]) for e in ye]
        assert x.positions() == y.positions()
        assert x.documents() == y.documents()
        assert x.actors() == y.actors() and x.series() == y.series()
        for t in ("documents", "events", "positions", "participants", "evidence", "extractions"):
            assert x.count(t) == y.count(t), t


# -- the engine -------------------------------------------------------------------------------------------
def test_ray_cluster_gives_the_local_engines_events(cluster, local_run, tmp_path):
    from parley import ray_engine

    seen = {}

    class Watched(ray_engine.RayPool):
        def __init__(self, *a, **kw):
            super().__init__(*a, **kw)
            import ray

            seen["pool"] = self
            seen["nodes"] = {ray.get(a.node.remote()) for a in self.actors}

    path = _ingest_with(Watched, cluster, tmp_path)
    assert seen["pool"].jobs == 2 and len(seen["nodes"]) == 2  # two actors, one on each node
    assert seen["pool"].retries == 0
    same_store(local_run, path)


def _ingest_with(pool_class, cluster, tmp_path) -> str:
    """Ingest the fixtures on the cluster through ``pool_class`` (a RayPool that watches or
    breaks something); the store's path, all 13 documents added."""
    from parley import ray_engine

    path = str(tmp_path / "ray.duckdb")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ray_engine, "RayPool", pool_class)
        with Store(path) as s:
            summary = ingest([str(ARTICLES), str(MERGE)], s, jobs=2, engine="ray", address=cluster)
    assert not summary.failed and summary.added == 13, summary.to_dict()
    return path


def test_a_lost_actor_is_replaced_and_its_work_redone(cluster, local_run, tmp_path):
    from parley import ray_engine

    seen = {}

    class Flaky(ray_engine.RayPool):
        def submit(self, built):
            if not seen:  # the first group's actor dies under it
                import ray

                i = self._pick(None)
                self._done(i)
                seen["killed"] = self.actors[i]
                ray.kill(self.actors[i], no_restart=True)
            seen["pool"] = self
            return super().submit(built)

    path = _ingest_with(Flaky, cluster, tmp_path)
    assert seen["pool"].retries >= 1 and seen["killed"] not in seen["pool"].actors
    same_store(local_run, path)


def test_a_group_lost_twice_is_a_clear_error(cluster):
    import ray

    from parley import document, ray_engine
    from parley.readers import RawItem

    pool = ray_engine.RayPool(1, None, cluster)
    try:
        dead = pool.actors[0]
        ray.kill(dead, no_restart=True)
        pool._spawn = lambda: dead  # no replacement will live either
        built = [document.build(RawItem(source="lost.txt", content=(ARTICLES / os.listdir(ARTICLES)[0]).read_text()))]
        with pytest.raises(ray_engine.RayEngineError, match=r"lost\.txt.*after 2 attempt"):
            pool.submit(built).result(timeout=60)
        assert pool.retries == 1
    finally:
        pool.close()


def test_unreachable_address_fails_at_once():
    from parley import ray_engine

    t = time.monotonic()
    with pytest.raises(ray_engine.RayEngineError, match="cannot reach the Ray cluster at 127.0.0.1:"):
        ray_engine.RayPool(1, None, f"127.0.0.1:{_free_port()}")
    assert time.monotonic() - t < 15


def test_workers_must_run_the_same_parley(cluster, monkeypatch):
    from parley import ray_engine

    here = ray_engine.fingerprint()
    monkeypatch.setattr(ray_engine, "fingerprint", lambda: dict(here, files="0" * 16))
    with pytest.raises(ray_engine.RayEngineError, match="the extractions would differ"):
        ray_engine.RayPool(1, None, cluster)


# -- the command ------------------------------------------------------------------------------------------
def test_cli_ingest_engine_ray_starts_a_local_ray(local_run, tmp_path):
    """`parley ingest --engine ray` without --address: a local Ray instance, started and stopped."""
    db = str(tmp_path / "cli.duckdb")
    env = _ray_env(secrets.token_hex(32))
    env["PARLEY_DB"] = db
    r = subprocess.run([sys.executable, "-m", "parley", "ingest", str(ARTICLES), str(MERGE), "--engine", "ray",
                        "-j", "2", "--format", "json"], capture_output=True, text=True, env=env, timeout=180)
    assert r.returncode == 0, r.stderr[-3000:]
    out = json.loads(r.stdout)
    assert out["added"] == 13 and out["failed"] == 0, out
    same_store(local_run, db)


def test_cli_address_implies_ray(cluster, local_run, tmp_path, runner):
    from parley.cli import cli

    db = str(tmp_path / "cli.duckdb")
    r = subprocess.run([sys.executable, "-m", "parley", "ingest", str(ARTICLES), str(MERGE), "--db", db,
                        "--address", cluster, "--format", "json"], capture_output=True, text=True,
                       env=dict(os.environ), timeout=180)
    assert r.returncode == 0, r.stderr[-3000:]
    same_store(local_run, db)
    bad = runner.invoke(cli, ["ingest", str(ARTICLES), "--db", db, "--address", f"127.0.0.1:{_free_port()}"])
    assert bad.exit_code == 1 and "cannot reach the Ray cluster" in bad.stderr, bad.output


# -- PostgreSQL and ../shared -------------------------------------------------------------------------------
def test_ray_into_postgres_equals_local_duckdb(cluster, local_run):
    from pgserver import Server, Unavailable

    try:
        server = Server().start()
    except Unavailable as e:
        pytest.skip(str(e))
    try:
        dsn = server.create_database("t_ray")
        with Store(dsn) as s:
            summary = ingest([str(ARTICLES), str(MERGE)], s, jobs=2, engine="ray", address=cluster)
        assert not summary.failed and summary.added == 13, summary.to_dict()
        same_store(local_run, dsn)
    finally:
        server.stop()


@pytest.mark.shared
def test_shared_seeds_and_dev_give_identical_events(shared_dir, cluster, tmp_path):
    paths = [str(shared_dir / "seeds"), str(shared_dir / "dev")]
    local, remote = str(tmp_path / "local.duckdb"), str(tmp_path / "ray.duckdb")
    with Store(local) as s:
        a = ingest(paths, s, jobs=1).to_dict()
    with Store(remote) as s:
        b = ingest(paths, s, jobs=2, engine="ray", address=cluster).to_dict()
    assert a == b and a["added"] > 0 and a["events"] > 0
    same_store(local, remote)
