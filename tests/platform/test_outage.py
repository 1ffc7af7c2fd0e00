"""Issue 19 point 5: with the database down every page answers 503 with a static page that
needs no database, and /health/ answers quickly. The outage is real: a PostgreSQL cluster of
the test's own (initdb and pg_ctl on another port, in a temporary folder) is stopped under a
running gunicorn with production settings; the shared server is never touched."""

import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import OperationalError
from django.test import Client

from tests.environment import require

ROOT = Path(__file__).resolve().parents[2]
HEADERS = {"X-Forwarded-Proto": "https", "Host": "localhost"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _as_postgres(*command: str) -> list[str]:
    """The cluster's programs refuse to run as root: run them as the postgres account."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return list(command)


class Cluster:
    def __init__(self, folder: Path, port: int):
        self.data = folder / "data"
        self.port = port
        self.pg_ctl = _pg_bin("pg_ctl")

    def create(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.data.parent, "postgres")
        subprocess.run(
            _as_postgres(
                _pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"
            ),
            check=True,
            capture_output=True,
        )

    def ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = self.data.parent / "server.log"  # the server must not hold our pipes open
        subprocess.run(
            _as_postgres(
                self.pg_ctl, "-D", str(self.data), "-l", str(log), "-o", options, "-w", "-t", "60", *args
            ),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


def _get(url: str, cookie: str | None = None, timeout: float = 10):
    headers = dict(HEADERS)
    if cookie:
        headers["Cookie"] = cookie
    try:
        response = urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout)  # noqa: S310
    except urllib.error.HTTPError as error:
        response = error
    return response.status, response.read().decode(), response.headers


SIGNED_IN_SESSION = """
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from somerset_safety.accounts.models import Agency
from somerset_safety.accounts.roles import Role
from somerset_safety.accounts.signals import SESSION_LAST_SEEN_KEY, SESSION_STARTED_KEY
from tests.factories import UserFactory
import time
user = UserFactory(agency=Agency.objects.get(code="CST"), roles=[Role.OFFICER])
device = TOTPDevice.objects.create(user=user, name="App", confirmed=True)
session = SessionStore()
session.update({"_auth_user_id": str(user.pk), "_auth_user_backend": "somerset_safety.accounts.backends.AccountBackend",
                "_auth_user_hash": user.get_session_auth_hash(), DEVICE_ID_SESSION_KEY: device.persistent_id,
                SESSION_STARTED_KEY: int(time.time()), SESSION_LAST_SEEN_KEY: int(time.time())})
session.create()
print(session.session_key)
"""


@pytest.mark.postgres
def test_every_page_is_a_static_503_while_the_database_is_down(tmp_path):
    require(
        _pg_bin("initdb") is not None and _pg_bin("pg_ctl") is not None,
        "PostgreSQL's initdb and pg_ctl are needed",
    )
    # Its own temporary folder: pytest's is private to root, and the cluster runs as postgres.
    folder = Path(tempfile.mkdtemp(prefix="safer-somerset-outage-"))
    cluster = Cluster(folder, _free_port())
    cluster.create()
    cluster.ctl("start")
    port = _free_port()
    env = {
        **os.environ,
        "DEBUG": "false",
        "DEMO_MODE": "false",
        "SECRET_KEY": "outage-test-" + "x" * 50,
        "ALLOWED_HOSTS": "localhost",
        "SITE_URL": "https://localhost",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{cluster.port}/postgres",
        "REDIS_URL": "redis://127.0.0.1:1/0",  # no broker either: the outage page must not care
        "UPLOAD_SCANNER_NONE_ACCEPTED": "true",  # the scanner has tests of its own
        "AUDIT_CHAIN_KEY": "outage-test-audit-key-" + "k" * 40,
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "AUDIT_ANCHOR_DIR": str(tmp_path / "anchors"),
        "PYTHONPATH": str(ROOT),
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    gunicorn = None
    try:
        for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
            subprocess.run(
                [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True
            )
        session_key = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", SIGNED_IN_SESSION],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()[-1]
        cookie = f"__Host-sessionid={session_key}"
        gunicorn = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "somerset_safety.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline:
            try:
                status, body, _ = _get(f"{base}/", cookie)
                break
            except OSError:
                time.sleep(0.5)
        assert status == 200 and "Sign out" in body  # signed in while the database is up

        cluster.ctl("stop", "-m", "fast")
        for path in (
            "/",
            "/reviews/",
            "/partnerships/marac/referrals/",
            "/audit/",
            "/sign-in/",
            "/no-such-page/",
        ):
            for who in (cookie, None):
                status, body, headers = _get(f"{base}{path}", who)
                assert status == 503, (path, who, status, body[:200])
                assert "Sorry, the service is unavailable" in body
                assert "Internal Server Error" not in body
                assert headers["Retry-After"] == "120"
        status, body, _ = _get(f"{base}/static/build/app.css")
        assert status == 200  # the page's own stylesheet still comes (no database needed)
        started = time.monotonic()
        status, body, _ = _get(f"{base}/health/", timeout=10)
        assert status == 503 and json.loads(body)["database"] is False
        assert time.monotonic() - started < 8

        cluster.ctl("start")
        status, body, _ = _get(f"{base}/", cookie)
        assert status == 200 and "Sign out" in body  # and back, with the same session
    finally:
        if gunicorn is not None:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            gunicorn.wait(15)
        subprocess.run(
            _as_postgres(cluster.pg_ctl, "-D", str(cluster.data), "stop", "-m", "immediate"),
            capture_output=True,
        )


@pytest.mark.django_db
def test_the_outage_page_needs_no_session_user_or_database(officer, as_user, monkeypatch):
    signed_in = as_user(officer)
    client = Client(raise_request_exception=False)
    client.cookies = signed_in.cookies

    def database_down(*args, **kwargs):
        raise OperationalError("connection to server failed")

    # A failure part-way through a request (here the session), not only at its start.
    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", database_down)
    response = client.get("/")
    assert response.status_code == 503
    assert b"Sorry, the service is unavailable" in response.content
    assert response["Retry-After"] == "120"


def test_an_unreachable_database_answers_every_page_with_the_outage_page(monkeypatch):
    from django.db import connection

    def cannot_connect(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "ensure_connection", cannot_connect)
    client = Client(raise_request_exception=False)
    for path in ("/sign-in/", "/", "/privacy/"):
        response = client.get(path)
        assert response.status_code == 503, path
        assert b"Sorry, the service is unavailable" in response.content
