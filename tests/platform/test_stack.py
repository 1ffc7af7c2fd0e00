"""The docker-compose stack, tested without Docker: the same gunicorn, worker and beat commands
against the local PostgreSQL and Redis, with production settings (DEBUG off)."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg
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
    # Web, worker and beat connect as the application role; only migrate as the tables' owner.
    for name in ("web", "worker", "beat"):
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgres://safer_app:"), name
    migrate_env = services["migrate"]["environment"]
    assert migrate_env["DATABASE_URL"].startswith("postgres://safer:")
    assert migrate_env["DATABASE_APP_ROLE"] == "safer_app"
    assert "./docker/postgres-init:/docker-entrypoint-initdb.d:ro" in services["db"]["volumes"]
    init = (ROOT / "docker" / "postgres-init" / "10-application-role.sh").read_text()
    assert "CREATE ROLE safer_app LOGIN" in init
    for name in ("SECRET_KEY", "SITE_URL", "AUDIT_CHAIN_KEY"):
        assert "?set" in app_env[name], f"{name} must be required by the compose file"
    assert "audit-anchors:/var/lib/safer-somerset/audit-anchors" in services["worker"]["volumes"]


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
    """As in docker-compose.yml: migrate as the tables' owner, which grants the application's
    role; web, worker and beat connect as that role, which may only insert and read audit events."""
    db = scratch_database_name("stack")
    app_role = scratch_database_name("stack_app")
    admin = psycopg.connect(dbname="postgres", **postgres_dsn())
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        cur.execute(f'DROP ROLE IF EXISTS "{app_role}"')
        cur.execute(f'CREATE DATABASE "{db}"')
        cur.execute(f'CREATE ROLE "{app_role}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE')
    port = _free_port()
    env = {
        **os.environ,
        "DEBUG": "false",
        "DEMO_MODE": "false",
        "SECRET_KEY": "stack-test-" + "x" * 50,
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "SITE_URL": "https://localhost",
        "DATABASE_URL": postgres_url(db, user=app_role),
        "REDIS_URL": redis_url,
        "UPLOAD_SCANNER_NONE_ACCEPTED": "true",  # the scanner has tests of its own
        "AUDIT_CHAIN_KEY": "stack-test-audit-key-" + "k" * 40,
        "AUDIT_ANCHOR_DIR": str(tmp_path / "audit-anchors"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    owner_env = {**env, "DATABASE_URL": postgres_url(db), "DATABASE_APP_ROLE": app_role}
    redis.Redis.from_url(redis_url).flushdb()
    for command, command_env in (("migrate", owner_env), ("collectstatic", env)):
        subprocess.run(
            [sys.executable, "manage.py", command, "--noinput"],
            cwd=ROOT,
            env=command_env,
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
        _failed_sign_in(port)  # writes sessions, lock-out counts and an audit event as the app role
        for command in ("anchor_audit_chain", "verify_audit_chain"):
            done = subprocess.run(
                [sys.executable, "manage.py", command], cwd=ROOT, env=env, capture_output=True, text=True
            )
            assert done.returncode == 0, done.stderr
        assert "1 events checked against 1 anchors" in done.stdout
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
            cur.execute(f'DROP ROLE IF EXISTS "{app_role}"')
        admin.close()


def _failed_sign_in(port: int) -> None:
    headers = {"X-Forwarded-Proto": "https", "Host": "localhost"}
    url = f"http://127.0.0.1:{port}/sign-in/"
    first = urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', first.read().decode()).group(1)
    # The cookies are Secure (HTTPS behind the proxy): send them back by hand over plain HTTP.
    cookies = "; ".join(c.split(";", 1)[0] for c in first.headers.get_all("Set-Cookie"))
    form = {"csrfmiddlewaretoken": token, "username": "nobody@example.invalid", "password": "x" * 12}
    response = urllib.request.urlopen(
        urllib.request.Request(
            url,
            data=urllib.parse.urlencode(form).encode(),
            headers={**headers, "Cookie": cookies, "Referer": "https://localhost/sign-in/"},
        ),
        timeout=5,
    )
    assert "Enter a correct email address and password" in response.read().decode()


def test_gunicorn_believes_proxy_headers_only_from_the_trusted_proxies(monkeypatch):
    import runpy

    assert "*" not in COMPOSE["services"]["web"]["command"]
    assert "docker/gunicorn.conf.py" in COMPOSE["services"]["web"]["command"]
    assert "${TRUSTED_PROXIES" in COMPOSE["services"]["web"]["environment"]["TRUSTED_PROXIES"]
    config = ROOT / "docker" / "gunicorn.conf.py"
    monkeypatch.setenv("TRUSTED_PROXIES", "10.20.0.0/16, 192.0.2.7")
    assert runpy.run_path(str(config))["forwarded_allow_ips"] == "10.20.0.0/16,192.0.2.7"
    monkeypatch.setenv("TRUSTED_PROXIES", "")
    assert runpy.run_path(str(config))["forwarded_allow_ips"] == "127.0.0.1,::1"
