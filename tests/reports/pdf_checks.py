"""What every PDF the service makes must be, read back with poppler's pdfinfo and pdftotext as
an officer's or reader's tools would: tagged, A4, its language set, the running header and
"Page N of M" on every page."""

import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest

A4_POINTS = (595, 842)


def require_poppler() -> None:
    if not (shutil.which("pdfinfo") and shutil.which("pdftotext")):
        pytest.skip("poppler-utils is not installed")


def pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {
        key.strip(): value.strip() for key, _, value in (line.partition(":") for line in out.splitlines())
    }


def page_texts(path: Path, pages: int) -> list[str]:
    return [
        subprocess.run(
            ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in range(1, pages + 1)
    ]


def pdf_language(data: bytes) -> str | None:
    """The catalog's /Lang, looked for in the file and in its compressed object streams.

    Each stream is inflated from its first byte with a decompressor that stops where the
    compressed data ends, so a stream whose data happens to end in a carriage return or
    to contain the word "endstream" is still read whole (a regex up to "endstream" cut
    such streams short, and the language went unfound now and then).
    """
    chunks, view = [data], memoryview(data)
    for match in re.finditer(rb"(?<!end)stream\r?\n", data):
        try:
            chunks.append(zlib.decompressobj().decompress(view[match.end() :]))
        except zlib.error:
            continue
    for chunk in chunks:
        found = re.search(rb"/Lang\s*\(([^)]*)\)", chunk)
        if found:
            return found.group(1).decode()
    return None


def assert_proper_pdf(path: Path, *, header: str, language: str = "en-GB") -> list[str]:
    """Check the PDF at `path` and return the text of each page."""
    require_poppler()
    info = pdfinfo(path)
    assert info["Tagged"] == "yes", info
    width, height = (round(float(n)) for n in re.findall(r"[\d.]+", info["Page size"])[:2])
    assert sorted((width, height)) == sorted(A4_POINTS), info["Page size"]
    assert pdf_language(path.read_bytes()) == language
    pages = int(info["Pages"])
    texts = page_texts(path, pages)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Arimo" in fonts and "Serif" not in fonts, fonts
    for number, text in enumerate(texts, start=1):
        flat = " ".join(text.split())
        assert header in flat, f"page {number} has no running header"
        assert f"Page {number} of {pages}" in flat, f"page {number} has no page number"
    return texts
