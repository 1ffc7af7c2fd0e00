"""Tamper evidence for the audit log (S13).

- Each row carries an HMAC-SHA256, keyed with `AUDIT_CHAIN_KEY` (from the environment, never in
  the database), over its content and the previous row's hash. Someone who can write to the
  table but does not hold the key cannot change, insert or remove a row and recompute the chain.
- Removing the newest rows, or every row, leaves a shorter chain that is still consistent. So
  once a day an **anchor** — the last id, the number of events and the head hash, signed with
  the key — is written outside the database: a file in `AUDIT_ANCHOR_DIR` and a line in the
  log stream. `verify_chain` checks the table against every anchor it finds.
- Ids skipped by writes that were rolled back are listed; the chain links across them, so they
  are not a removal. A removal breaks the link.
"""

import hashlib
import hmac
import json
import logging
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

logger = logging.getLogger("somerset_safety.audit.anchor")

# Any fixed number: the advisory lock that serialises writers of the hash chain on PostgreSQL.
CHAIN_LOCK_KEY = 7_402_117
ANCHOR_PATTERN = "audit-anchor-*.json"
MAX_PROBLEMS_LISTED = 20


def _key() -> bytes:
    return settings.AUDIT_CHAIN_KEY.encode()


def row_hmac(content: str) -> str:
    return hmac.new(_key(), b"row\x00" + content.encode(), hashlib.sha256).hexdigest()


def lock_chain() -> None:
    """Inside a transaction: wait until no one else is adding to the chain (PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


@dataclass(frozen=True)
class Anchor:
    made_at: str
    last_id: int
    count: int
    head_hash: str
    signature: str = ""

    def payload(self) -> bytes:
        fields = {
            "made_at": self.made_at,
            "last_id": self.last_id,
            "count": self.count,
            "head_hash": self.head_hash,
        }
        return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()

    def signed(self) -> "Anchor":
        return Anchor(**{**asdict(self), "signature": self._sign()})

    def _sign(self) -> str:
        return hmac.new(_key(), b"anchor\x00" + self.payload(), hashlib.sha256).hexdigest()

    def signature_ok(self) -> bool:
        return hmac.compare_digest(self.signature, self._sign())


def anchor_dir() -> Path:
    return Path(settings.AUDIT_ANCHOR_DIR)


def anchor_write() -> tuple[Anchor, Path]:
    """Write today's anchor of the chain as it stands, to a new file and to the log stream."""
    from .models import AuditEvent

    with transaction.atomic():
        lock_chain()
        totals = AuditEvent.objects.aggregate(count=Count("id"), last_id=Max("id"))
        last_id = totals["last_id"] or 0
        head = AuditEvent.objects.filter(pk=last_id).values_list("row_hash", flat=True).first() or ""
    now = timezone.now()
    anchor = Anchor(made_at=now.isoformat(), last_id=last_id, count=totals["count"], head_hash=head).signed()
    directory = anchor_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"audit-anchor-{now:%Y%m%dT%H%M%S%fZ}.json"
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(asdict(anchor), indent=2) + "\n")
    os.chmod(partial, 0o640)
    partial.replace(path)
    logger.info("audit chain anchor %s", json.dumps(asdict(anchor), sort_keys=True))
    return anchor, path


def anchors_read(directory: Path | None = None) -> tuple[list[Anchor], list[str]]:
    """The anchors in the anchor folder, and a problem for each file that is not a good anchor."""
    directory = directory or anchor_dir()
    anchors, problems = [], []
    if not directory.is_dir():
        return anchors, problems
    for path in sorted(directory.glob(ANCHOR_PATTERN)):
        try:
            data = json.loads(path.read_text())
            anchor = Anchor(
                made_at=str(data["made_at"]),
                last_id=int(data["last_id"]),
                count=int(data["count"]),
                head_hash=str(data["head_hash"]),
                signature=str(data["signature"]),
            )
        except (OSError, ValueError, KeyError, TypeError):
            problems.append(f"The anchor file {path.name} cannot be read.")
            continue
        if not anchor.signature_ok():
            problems.append(
                f"The anchor file {path.name} is not signed with this service's key: it has been "
                "altered, or comes from elsewhere."
            )
            continue
        anchors.append(anchor)
    return anchors, problems


@dataclass
class ChainCheck:
    ok: bool
    checked: int
    last_id: int | None = None
    first_bad_id: int | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    anchors_checked: int = 0


def _when(anchor: Anchor) -> str:
    made = datetime.fromisoformat(anchor.made_at)
    return timezone.localtime(made).strftime("%d %B %Y %H:%M")


def verify_chain(batch_size: int = 5000, directory: Path | None = None) -> ChainCheck:
    """Walk the whole chain oldest first, checking each row's HMAC and its link to the row
    before, and every anchor against the rows it recorded."""
    from .models import AuditEvent

    anchors, problems = anchors_read(directory)
    # An anchor of an empty log holds nothing to compare.
    pending = sorted((a for a in anchors if a.count), key=lambda a: (a.last_id, a.made_at))
    notes: list[str] = []
    bad_rows = 0
    first_bad_id = None
    previous_hash, previous_id, checked = "", None, 0

    def broken(event_id: int, message: str) -> None:
        nonlocal bad_rows, first_bad_id
        bad_rows += 1
        first_bad_id = first_bad_id or event_id
        if len(problems) < MAX_PROBLEMS_LISTED:
            problems.append(message)

    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if previous_id is not None and event.pk != previous_id + 1:
            missing = (
                f"{previous_id + 1}" if event.pk == previous_id + 2 else f"{previous_id + 1}–{event.pk - 1}"
            )
            if event.previous_hash == previous_hash:
                notes.append(
                    f"Id {missing} was never used: a write that was rolled back. The chain links "
                    "across it, so no event is missing."
                )
        if event.previous_hash != previous_hash:
            broken(
                event.pk,
                f"Event {event.pk} does not follow the event before it: an event before it was removed, inserted or changed.",
            )
        elif not hmac.compare_digest(event.compute_hash(), event.row_hash):
            broken(
                event.pk, f"Event {event.pk} has been changed since it was written (its seal does not match)."
            )
        checked += 1
        while pending and pending[0].last_id <= event.pk:
            anchor = pending.pop(0)
            if anchor.last_id < event.pk:
                broken(
                    event.pk,
                    f"Event {anchor.last_id}, the last event on the anchor of {_when(anchor)}, is missing.",
                )
            elif anchor.count != checked or anchor.head_hash != event.row_hash:
                broken(
                    event.pk,
                    f"The anchor of {_when(anchor)} recorded {anchor.count} events up to event "
                    f"{anchor.last_id}; the log now has {checked} up to it, or a different event.",
                )
        previous_hash, previous_id = event.row_hash, event.pk
    anchors_checked = len(anchors) - len(pending)
    for anchor in pending:
        end = f"ends at event {previous_id}" if previous_id else "is empty"
        broken(
            anchor.last_id,
            f"The log {end}, but the anchor of {_when(anchor)} recorded {anchor.count} events up to "
            f"event {anchor.last_id}: the newest events have been removed.",
        )
    if bad_rows > MAX_PROBLEMS_LISTED:
        problems.append(f"… {bad_rows - MAX_PROBLEMS_LISTED} more events fail the check.")
    if settings.PRODUCTION and connection.vendor == "postgresql":
        from .database import audit_table_writable_by_current_role

        rights = audit_table_writable_by_current_role()
        if rights:
            notes.append(
                f"The service connects to the database as a role that may {', '.join(rights)} "
                "audit events: connect web, worker and beat as the non-owning application role "
                "(DATABASE_APP_ROLE) so that only the owner could."
            )
    if not anchors:
        notes.append(
            f"No anchor was found in {directory or anchor_dir()}: the removal of the newest events "
            "cannot be detected until `manage.py anchor_audit_chain` (run daily by beat) has written one."
        )
    return ChainCheck(
        ok=not problems,
        checked=checked,
        last_id=previous_id,
        first_bad_id=first_bad_id,
        problems=problems,
        notes=notes,
        anchors_checked=anchors_checked,
    )
