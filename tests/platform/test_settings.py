"""Issue 19 point 6: production settings fail fast. Each value production must supply is a
system check error under `check --deploy`, and gunicorn and the Celery worker refuse to start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "DEMO_MODE": "false",
    "SECRET_KEY": "settings-test-" + "s" * 50,
    "ALLOWED_HOSTS": "safer-somerset.example.gov.uk",
    "DATABASE_URL": "postgres://safer_app@db.example.invalid:5432/safer_somerset",
    "REDIS_URL": "redis://redis.example.invalid:6379/0",
    "SITE_URL": "https://safer-somerset.example.gov.uk",
    "AUDIT_CHAIN_KEY": "settings-test-audit-key-" + "a" * 40,
    "UPLOAD_SCANNER": "somerset_safety.core.scanning.clamav_scan",
}


def _run(args: list[str], **values) -> subprocess.CompletedProcess:
    # An empty value stands for "not set" (and keeps a developer's .env from filling it in).
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **PRODUCTION, **values}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def _check_deploy(**values) -> subprocess.CompletedProcess:
    return _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **values)


def test_a_complete_production_configuration_passes():
    result = _check_deploy()
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("name", "check_id"),
    [
        ("SECRET_KEY", "E010"),
        ("DATABASE_URL", "E011"),
        ("REDIS_URL", "E012"),
        ("SITE_URL", "E013"),
        ("AUDIT_CHAIN_KEY", "E014"),
    ],
)
def test_check_deploy_fails_for_each_missing_production_value(name, check_id):
    result = _check_deploy(**{name: ""})
    assert result.returncode != 0
    assert f"(safer_somerset.{check_id}) {name} is not set." in result.stderr


def test_no_virus_scanner_needs_the_explicit_opt_out():
    refused = _check_deploy(UPLOAD_SCANNER="")
    assert refused.returncode != 0 and "safer_somerset.E016" in refused.stderr
    accepted = _check_deploy(UPLOAD_SCANNER="", UPLOAD_SCANNER_NONE_ACCEPTED="true")
    assert accepted.returncode == 0, accepted.stderr


def test_a_short_audit_key_is_refused():
    result = _check_deploy(AUDIT_CHAIN_KEY="too-short")
    assert result.returncode != 0 and "safer_somerset.E015" in result.stderr


def test_gunicorn_and_the_worker_refuse_to_start_without_them():
    web = _run(["-c", "import somerset_safety.wsgi"], REDIS_URL="")
    assert web.returncode != 0 and "Safer Somerset cannot start: REDIS_URL is not set." in web.stderr
    worker = _run(["-m", "celery", "-A", "somerset_safety", "worker", "--pool=solo"], DATABASE_URL="")
    assert worker.returncode != 0 and "DATABASE_URL is not set" in worker.stderr + worker.stdout


def test_development_and_the_demo_need_none_of_them():
    for mode in ({"DEBUG": "true"}, {"DEMO_MODE": "true"}):
        blank = dict.fromkeys(
            ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "SITE_URL", "AUDIT_CHAIN_KEY", "UPLOAD_SCANNER"), ""
        )
        result = _run(["manage.py", "check"], **blank, **mode)
        assert result.returncode == 0, result.stderr
