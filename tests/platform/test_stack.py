"""The docker-compose stack, tested without Docker: the same gunicorn, worker and beat commands
against the local PostgreSQL and Redis, with production settings (DEBUG off)."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg2
import pytest
import redis
import yaml

from tests.environment import (
    exclusive_redis,
    postgres_configured,
    postgres_dsn,
    postgres_url,
    require,
    require_redis,
    scratch_database_name,
)

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_describes_web_worker_beat_postgres_and_redis():
    services = COMPOSE["services"]
    assert {"web", "worker", "beat", "db", "redis", "migrate"} <= set(services)
    assert services["web"]["command"][0] == "gunicorn"
    assert services["worker"]["command"][:4] == ["celery", "-A", "somerset_safety", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "somerset_safety", "beat"]
    assert services["beat"]["deploy"]["replicas"] == 1
    for name in ("web", "db", "redis", "worker"):
        assert "healthcheck" in services[name], name
    app_env = services["web"]["environment"]
    assert app_env["DEBUG"] == "false"
    assert app_env["REDIS_URL"].startswith("redis://redis:")
    assert app_env["DATABASE_URL"].startswith("postgres://")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.redis
def test_the_compose_commands_run_without_docker(tmp_path):
    require(postgres_configured(), "The stack test needs PostgreSQL (DATABASE_URL)")
    with exclusive_redis(require_redis()) as redis_url:
        _run_the_stack(tmp_path, redis_url)


def _run_the_stack(tmp_path, redis_url: str) -> None:
    db = scratch_database_name("stack")
    admin = psycopg2.connect(dbname="postgres", **postgres_dsn())
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{db}"')
        cur.execute(f'CREATE DATABASE "{db}"')
    port = _free_port()
    env = {
        **os.environ,
        "DEBUG": "false",
        "DEMO_MODE": "false",
        "SECRET_KEY": "stack-test-" + "x" * 50,
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "DATABASE_URL": postgres_url(db),
        "REDIS_URL": redis_url,
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    redis.Redis.from_url(redis_url).flushdb()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    web_cmd = [c.replace("0.0.0.0:8000", f"127.0.0.1:{port}") for c in COMPOSE["services"]["web"]["command"]]
    worker_cmd = COMPOSE["services"]["worker"]["command"]
    beat_cmd = [
        c.replace("/tmp/celerybeat-schedule", str(tmp_path / "beat-schedule"))
        for c in COMPOSE["services"]["beat"]["command"]
    ]
    processes = [
        subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for cmd in (web_cmd, worker_cmd, beat_cmd)
    ]
    try:
        body = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/health/",
                    headers={"X-Forwarded-Proto": "https", "Host": "localhost"},
                )
                body = json.loads(urllib.request.urlopen(request, timeout=3).read())  # noqa: S310
                if body.get("workers", 0) >= 1:
                    break
            except OSError:
                pass
            time.sleep(1)
        assert body is not None, "gunicorn did not answer"
        assert body["database"] is True and body["broker"] is True
        assert body["workers"] >= 1, body
        assert all(p.poll() is None for p in processes), "a process of the stack died"
        page = urllib.request.urlopen(  # noqa: S310
            urllib.request.Request(
                f"http://127.0.0.1:{port}/sign-in/",
                headers={"X-Forwarded-Proto": "https", "Host": "localhost"},
            ),
            timeout=5,
        )
        assert page.status == 200
        assert "Strict-Transport-Security" in page.headers
    finally:
        for p in processes:
            os.killpg(p.pid, signal.SIGTERM)
        for p in processes:
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        admin.close()
