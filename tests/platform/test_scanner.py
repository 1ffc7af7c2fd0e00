"""Issue 19 point 6: the ClamAV adapter, against a real clamd over its socket, with the EICAR
test file caught by a hash signature of our own (tests/data/clamav)."""

import io
import os
import shutil

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from somerset_safety.core.scanning import INFECTED_MESSAGE, UNCHECKED_MESSAGE, clamav_scan, clamd_instream
from somerset_safety.core.uploads import validate_upload
from tests.clamav import clamd_available, eicar, start_clamd, temporary_folder
from tests.environment import require

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def clamd_socket():
    require(clamd_available(), "ClamAV's daemon is not installed (apt-get install clamav-daemon)")
    if os.environ.get("CLAMAV_TEST_SOCKET"):
        yield os.environ["CLAMAV_TEST_SOCKET"]
        return
    folder = temporary_folder()
    process, socket_path = start_clamd(folder)
    try:
        yield socket_path
    finally:
        process.terminate()
        process.wait(20)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def clamav(settings, clamd_socket):
    settings.CLAMAV_SOCKET = clamd_socket
    settings.UPLOAD_SCANNER = "somerset_safety.core.scanning.clamav_scan"
    return clamd_socket


def test_the_daemon_finds_the_eicar_test_file_and_passes_a_clean_one(clamav):
    assert clamd_instream(io.BytesIO(eicar())) == "stream: Safer-Somerset.EICAR-Test-File.UNOFFICIAL FOUND"
    assert clamd_instream(io.BytesIO(PDF)) == "stream: OK"


def test_an_infected_upload_is_refused_with_a_plain_message(clamav):
    with pytest.raises(ValidationError) as refused:
        clamav_scan(SimpleUploadedFile("report.pdf", eicar()))
    assert refused.value.messages == [INFECTED_MESSAGE]


def test_a_clean_upload_passes_the_whole_check(clamav):
    upload = SimpleUploadedFile("report.pdf", PDF)
    validate_upload(upload)
    assert upload.read() == PDF  # left at the start for storing


def test_with_the_daemon_unreachable_nothing_unchecked_is_stored(settings, tmp_path):
    settings.CLAMAV_SOCKET = str(tmp_path / "no-daemon.sock")
    settings.UPLOAD_SCANNER = "somerset_safety.core.scanning.clamav_scan"
    with pytest.raises(ValidationError) as refused:
        validate_upload(SimpleUploadedFile("report.pdf", PDF))
    assert refused.value.messages == [UNCHECKED_MESSAGE]
