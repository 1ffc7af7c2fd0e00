"""A ClamAV daemon for the tests: the one CI started (CLAMAV_TEST_SOCKET), or one of our own
started from the installed clamd with the test signature database in tests/data/clamav."""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

SIGNATURES = Path(__file__).resolve().parent / "data" / "clamav"


def eicar() -> bytes:
    """The standard anti-virus test file, put together here so no copy of it sits in the repository."""
    return ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*").encode()


def start_clamd(folder: Path) -> tuple[subprocess.Popen, str]:
    clamd = shutil.which("clamd") or "/usr/sbin/clamd"
    config = folder / "clamd.conf"
    socket_path = folder / "clamd.sock"
    config.write_text(
        f"LocalSocket {socket_path}\nDatabaseDirectory {SIGNATURES}\nForeground yes\n"
        f"PidFile {folder / 'clamd.pid'}\nLogFile {folder / 'clamd.log'}\nStreamMaxLength 30M\n"
        + ("User root\n" if os.geteuid() == 0 else "")
    )
    process = subprocess.Popen(
        [clamd, "--config-file", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not socket_path.exists():
        if process.poll() is not None:
            raise RuntimeError(f"clamd stopped: {(folder / 'clamd.log').read_text()[-500:]}")
        time.sleep(0.2)
    return process, str(socket_path)


def clamd_available() -> bool:
    return bool(os.environ.get("CLAMAV_TEST_SOCKET")) or bool(
        shutil.which("clamd") or Path("/usr/sbin/clamd").exists()
    )


def temporary_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="safer-somerset-clamd-"))
