"""CSV exports (S16): cells that a spreadsheet would run as a formula are neutralised, every
export is marked OFFICIAL-SENSITIVE and logged as a disclosure."""

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils import timezone

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record

MARKING = "OFFICIAL-SENSITIVE"
_DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r", "\0")


def neutralise(value) -> str:
    """Text a spreadsheet would treat as a formula gets a leading apostrophe. Numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    if text.startswith(_DANGEROUS_FIRST):
        return "'" + text
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence], *, marking_row: bool = True) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if marking_row:
        writer.writerow([MARKING])
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue()


def csv_response(
    *,
    actor,
    filename: str,
    header: Sequence[str],
    rows: Iterable[Sequence],
    object_type: str,
    detail: dict | None = None,
    marking_row: bool = True,
) -> HttpResponse:
    """A CSV download, logged as a disclosure with what was exported.

    `marking_row=False` keeps a fixed machine-readable format (the SafeLives return); the
    marking then travels in the file name and a response header.
    """
    rows = list(rows)
    body = csv_text(header, rows, marking_row=marking_row)
    stamped = f"{MARKING}-{filename.removesuffix('.csv')}-{timezone.localdate():%Y%m%d}.csv"
    audit_record(
        actor=actor,
        action=AuditAction.DISCLOSE,
        object_type=object_type,
        detail={"format": "csv", "rows": len(rows), "file": stamped, **(detail or {})},
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stamped}"'
    response["X-Protective-Marking"] = MARKING
    return response
