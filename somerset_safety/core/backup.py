"""Backup and restore of the PostgreSQL database with pg_dump / pg_restore (S23).

Private uploaded files live under PRIVATE_MEDIA_ROOT and are backed up with the server's
file backups; this covers the database, including the audit chain.
"""

import os
import shutil
import subprocess
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    pass


def _pg_env_and_args(alias: str = "default", database: str | None = None) -> tuple[dict, list[str]]:
    settings = connections[alias].settings_dict
    if connections[alias].vendor != "postgresql":
        raise BackupError("Backups with pg_dump need PostgreSQL (DATABASE_URL=postgres://...).")
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    args = ["-h", settings.get("HOST") or "127.0.0.1", "-p", str(settings.get("PORT") or 5432)]
    if settings.get("USER"):
        args += ["-U", settings["USER"]]
    args += ["-d", database or settings["NAME"]]
    return env, args


def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (apt-get install postgresql-client).")
    return path


def database_dump(output: Path, *, alias: str = "default") -> Path:
    """A custom-format dump (compressed, restorable table by table) of the whole database."""
    env, args = _pg_env_and_args(alias)
    result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
        [
            _program("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(output),
            *args,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()[:500]}")
    return output


def database_restore(dump: Path, *, database: str, alias: str = "default") -> None:
    """Restore a dump into an existing, empty database named `database`."""
    env, args = _pg_env_and_args(alias, database=database)
    result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
        [_program("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", *args, str(dump)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()[:500]}")
