"""Virus scanning of uploads (S17) with ClamAV's daemon, over its socket.

`clamav_scan` is the upload scanner for production (`UPLOAD_SCANNER=
somerset_safety.core.scanning.clamav_scan`): it streams the file to clamd with the daemon's
INSTREAM command — no client library needed — on `CLAMAV_SOCKET` (a Unix socket) or
`CLAMAV_HOST`:`CLAMAV_PORT`. A file is refused when the daemon finds something, and also when
the daemon cannot be asked or gives no clear answer: an unchecked file is never stored.
"""

import logging
import socket
import struct

from django.conf import settings
from django.core.exceptions import ValidationError

logger = logging.getLogger(__name__)

CHUNK = 64 * 1024
INFECTED_MESSAGE = "The selected file contains a virus or other harmful content, so it has not been saved."
UNCHECKED_MESSAGE = (
    "The selected file could not be checked for viruses just now, so it has not been saved. "
    "Try again in a few minutes."
)


class ScannerUnavailable(Exception):
    pass


def _connect() -> socket.socket:
    timeout = settings.CLAMAV_TIMEOUT_SECONDS
    if settings.CLAMAV_SOCKET:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(settings.CLAMAV_SOCKET)
        return sock
    return socket.create_connection((settings.CLAMAV_HOST, settings.CLAMAV_PORT), timeout=timeout)


def clamd_instream(stream) -> str:
    """Send `stream` to clamd and return its answer, e.g. "stream: OK" or
    "stream: Eicar-Signature FOUND". Raises ScannerUnavailable when clamd cannot be asked."""
    try:
        with _connect() as sock:
            sock.sendall(b"zINSTREAM\0")
            while chunk := stream.read(CHUNK):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            answer = b""
            while not answer.endswith(b"\0"):
                part = sock.recv(4096)
                if not part:
                    break
                answer += part
    except OSError as exc:
        raise ScannerUnavailable(type(exc).__name__) from exc
    return answer.rstrip(b"\0").decode("utf-8", "replace").strip()


def clamav_scan(uploaded_file) -> None:
    """The upload scanner hook: raises ValidationError unless clamd says the file is clean."""
    uploaded_file.seek(0)
    try:
        answer = clamd_instream(uploaded_file)
    except ScannerUnavailable as exc:
        logger.error("Virus scanner unavailable (%s): upload refused", exc)
        raise ValidationError(UNCHECKED_MESSAGE, code="unchecked") from exc
    finally:
        uploaded_file.seek(0)
    if answer.endswith("FOUND"):
        logger.warning("Virus scanner refused an upload: %s", answer.removeprefix("stream:").strip())
        raise ValidationError(INFECTED_MESSAGE, code="infected")
    if not answer.endswith("OK"):
        logger.error("Virus scanner gave no clear answer (%s): upload refused", answer[:200])
        raise ValidationError(UNCHECKED_MESSAGE, code="unchecked")
