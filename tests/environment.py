"""Where the tests' own PostgreSQL databases and Redis database are.

Every name comes from the environment (`DATABASE_URL`, `TEST_DATABASE_NAME`, `REDIS_TEST_URL`),
so two test runs on one machine — two engineers, or CI beside a developer — never share a
database. Scratch databases a test makes for itself are named after the run's test database.
"""

import fcntl
import hashlib
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require(condition: bool, why: str) -> None:
    """Skip when a service the test needs is missing; in CI, where it must be there, fail."""
    if not condition:
        if in_ci():
            pytest.fail(f"{why} (required in CI)")
        pytest.skip(why)


def postgres_configured() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def postgres_dsn() -> dict:
    """Host, port, user and password of the configured PostgreSQL server (for psycopg)."""
    db = settings.DATABASES["default"]
    dsn = {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432, "user": db["USER"] or "postgres"}
    if db.get("PASSWORD"):
        dsn["password"] = db["PASSWORD"]
    return dsn


def postgres_url(dbname: str, user: str | None = None) -> str:
    """The configured server's URL for `dbname`, as the configured user or another `user`."""
    dsn = postgres_dsn()
    password = f":{dsn['password']}" if "password" in dsn and user is None else ""
    return f"postgres://{user or dsn['user']}{password}@{dsn['host']}:{dsn['port']}/{dbname}"


def scratch_database_name(purpose: str) -> str:
    """A database of this run's own, e.g. `test_ss_security_stack` (`_gw1_stack` under xdist)."""
    base = (
        settings.DATABASES["default"].get("TEST", {}).get("NAME")
        or f"test_{settings.DATABASES['default']['NAME']}"
    )
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"{base}_{worker}_{purpose}" if worker else f"{base}_{purpose}"


def redis_test_url() -> str:
    """The Redis database this run may empty and hand to its own workers (`REDIS_TEST_URL`)."""
    return os.environ.get("REDIS_TEST_URL", "")


def redis_available(url: str) -> bool:
    if not url:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def require_redis() -> str:
    url = redis_test_url()
    require(bool(url), "Set REDIS_TEST_URL to a Redis database these tests may empty")
    require(redis_available(url), f"No Redis server answers at {url}")
    return url


@contextmanager
def exclusive_redis(url: str):
    """Tests that start workers on the test broker take turns (across xdist workers and runs
    that were given the same REDIS_TEST_URL), so no worker takes another test's tasks."""
    digest = hashlib.sha256(url.encode()).hexdigest()[:16]
    lock_path = Path(tempfile.gettempdir()) / f"safer-somerset-redis-{digest}.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield url
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def artifacts_dir() -> Path:
    """Screenshots of failed browser tests: a temporary folder unless TEST_ARTIFACTS_DIR says."""
    path = Path(
        os.environ.get("TEST_ARTIFACTS_DIR") or Path(tempfile.gettempdir()) / "safer-somerset-artifacts"
    )
    path.mkdir(parents=True, exist_ok=True)
    return path
