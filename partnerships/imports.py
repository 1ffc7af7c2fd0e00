"""Import of historic MARAC referrals from CSV: the way off spreadsheets.

All or nothing (S22): every row is checked first and one bad row rejects the file, with a report
naming each bad row and field. Only a clean file is written, in bulk, and repeats are then worked
out across each victim's whole history exactly as for referrals entered in the browser.
"""

import codecs
import csv
import functools
import hashlib
import heapq
import io
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from somerset_safety.accounts.models import Agency
from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from somerset_safety.core.queueing import enqueue
from somerset_safety.core.transitions import transition

from . import conf, summary
from .deadlines import referrals_deadlines_sync
from .exceptions import ImportRejected
from .models import (
    Ethnicity,
    ImportBatch,
    ImportJob,
    ImportStatus,
    MaracArea,
    Person,
    PersonRole,
    Referral,
    ReferralStatus,
    Sex,
)
from .services import referral_flags_sql, referrals_recompute_repeats
from .states import IMPORT_MOVES

COLUMNS = [
    "referral_id",
    "marac_area",
    "referral_date",
    "heard_date",
    "victim_ref",
    "perpetrator_ref",
    "referring_agency",
    "dash_score",
    "professional_judgement",
    "escalation",
    "victim_sex",
    "victim_age",
    "victim_ethnicity",
    "victim_disabled",
    "victim_lgbt",
    "perpetrator_age",
    "children_in_household",
]
# Columns a file may add after the others, in this order (files without them stay valid):
# review_at_12_months — yes to bring a heard case back to MARAC 12 months after its hearing
# (its 12-month review deadline, as the browser form's question gives); no or blank otherwise.
OPTIONAL_COLUMNS = ["review_at_12_months"]
YES_NO = {"yes", "no"}
YES_NO_NOT_KNOWN = {"yes", "no", "not_known"}
MAX_ERRORS = 200
BATCH = 5000


PROGRESS_EVERY = 2000  # rows between progress reports while checking a file

Progress = Callable[[int, int], None]  # (rows checked, rows in the file)


@dataclass
class ImportResult:
    batch: ImportBatch
    created: int
    repeats: int
    new_people: int = 0
    possible_duplicates: int = 0

    def figures(self) -> dict:
        """What the preview shows before the officer confirms."""
        return {
            "referrals": self.created,
            "new_people": self.new_people,
            "repeats": self.repeats,
            "possible_duplicates": self.possible_duplicates,
        }


def _date(value: str) -> date:
    if len(value) != 10:
        raise ValueError
    return date.fromisoformat(value)


def _whole(value: str, low: int, high: int) -> int:
    if not value.isdigit():
        raise ValueError
    number = int(value)
    if not low <= number <= high:
        raise ValueError
    return number


def header_errors(header: list[str]) -> list[tuple[int, str, str]]:
    """Each missing, unknown, repeated or misplaced column of the header row, by name."""
    errors = []
    known = COLUMNS + OPTIONAL_COLUMNS
    for name in COLUMNS:
        if name not in header:
            errors.append((1, name, f"The column {name} is missing."))
    seen = set()
    for position, name in enumerate(header, start=1):
        if name not in known:
            shown = f"“{name}”" if name else "with no name"
            errors.append(
                (
                    1,
                    name or f"column {position}",
                    f"Column {position}, {shown}, is not a column of the import.",
                )
            )
        elif name in seen:
            errors.append(
                (1, name, f"The column {name} appears more than once (again at column {position}).")
            )
        seen.add(name)
    if not errors:
        columns = COLUMNS + [name for name in OPTIONAL_COLUMNS if name in header]
        for position, (found, wanted) in enumerate(zip(header, columns, strict=True), start=1):
            if found != wanted:
                errors.append((1, found, f"Column {position} should be {wanted}, not {found}."))
    return errors


def _shown(value: str) -> str:
    """A value echoed in a message, as it was in the file."""
    return f"“{value}”" if value else "blank"


def _also_on_row(ref: str, first_line: int) -> str:
    return f"The referral id {ref} is also on row {first_line}."


def _already_imported(ref: str) -> str:
    return f"The referral id {ref} has already been imported."


def _stopped(line: int) -> tuple[int, str, str]:
    return (line, "file", f"Stopped checking after {MAX_ERRORS} problems.")


NO_REFERRALS = (1, "file", "The file has a header row but no referrals.")

# Given a referral id and its row, the message when it is on an earlier row or already
# imported, or None: worked out row by row in Python, or afterwards in SQL (staged import).
IdCheck = Callable[[str, int], str | None]


class _RowChecker:
    """The checks of one row of the file, against the areas, agencies and settings as they are."""

    def __init__(self, columns: list[str]) -> None:
        self.columns = columns  # the file's: COLUMNS, then any of OPTIONAL_COLUMNS
        self.areas = dict(MaracArea.objects.values_list("code", "id"))
        self.agencies = {
            code: (pk, kind) for code, pk, kind in Agency.objects.values_list("code", "id", "agency_type")
        }
        self.threshold = conf.high_risk_threshold()
        # Once, not per row: an enum's `values` is worked out afresh at every call.
        self.sexes, self.ethnicities = frozenset(Sex.values), frozenset(Ethnicity.values)

    def __call__(self, line: int, raw: list[str], id_check: IdCheck | None) -> tuple[dict, list]:
        """(the row's values, its problems in the order of its columns)."""
        values = {name: cell.strip() for name, cell in zip(self.columns, raw, strict=True)}
        row_errors = []

        def bad(field: str, message: str, ref: str = values["referral_id"]) -> None:
            # Every message names the referral (when the row has an id) and echoes the value.
            prefix = f"Referral {ref}: " if ref and field != "referral_id" else ""
            row_errors.append((line, field, prefix + message))

        row = {}
        ref = values["referral_id"]
        if not ref:
            bad("referral_id", "Enter the referral id.")
        elif len(ref) > 60:
            bad("referral_id", "The referral id must be 60 characters or fewer.")
        elif id_check is not None and (message := id_check(ref, line)):
            bad("referral_id", message)
        row["reference"] = ref
        if values["marac_area"] not in self.areas:
            bad("marac_area", f"{_shown(values['marac_area'])} is not the code of a MARAC area.")
        row["area_id"] = self.areas.get(values["marac_area"])
        if values["referring_agency"] not in self.agencies:
            bad("referring_agency", f"{_shown(values['referring_agency'])} is not the code of an agency.")
        row["referring_agency_id"] = self.agencies.get(values["referring_agency"], (None, None))[0]
        for field in ("referral_date", "heard_date"):
            if field == "heard_date" and not values[field]:
                row[field] = None
                continue
            try:
                row[field] = _date(values[field])
            except ValueError:
                bad(field, f"{_shown(values[field])} is not a real date as YYYY-MM-DD.")
                row[field] = None
        if row.get("referral_date") and row.get("heard_date") and row["heard_date"] < row["referral_date"]:
            bad("heard_date", "The heard date must be on or after the referral date.")
        if not values["victim_ref"]:
            bad("victim_ref", "Enter the victim reference.")
        elif len(values["victim_ref"]) > 60:
            bad("victim_ref", "The victim reference must be 60 characters or fewer.")
        if len(values["perpetrator_ref"]) > 60:
            bad("perpetrator_ref", "The perpetrator reference must be 60 characters or fewer.")
        row["victim_ref"], row["perpetrator_ref"] = values["victim_ref"], values["perpetrator_ref"]
        row["dash_score"] = None
        if values["dash_score"]:
            try:
                row["dash_score"] = _whole(values["dash_score"], 0, 24)
            except ValueError:
                bad(
                    "dash_score",
                    f"{_shown(values['dash_score'])}: the checklist score must be a whole number from 0 to 24, or blank.",
                )
        for field in ("professional_judgement", "escalation"):
            if values[field] not in YES_NO:
                bad(field, f"{_shown(values[field])}: enter yes or no.")
            row[field] = values[field] == "yes"
        if values["victim_sex"] not in self.sexes:
            bad("victim_sex", f"{_shown(values['victim_sex'])}: enter female, male, other or not_known.")
        row["victim_sex"] = values["victim_sex"]
        if values["victim_ethnicity"] not in self.ethnicities:
            bad(
                "victim_ethnicity",
                f"{_shown(values['victim_ethnicity'])} is not one of the 2021 census ethnicity codes.",
            )
        row["victim_ethnicity"] = values["victim_ethnicity"]
        for field in ("victim_disabled", "victim_lgbt"):
            if values[field] not in YES_NO_NOT_KNOWN:
                bad(field, f"{_shown(values[field])}: enter yes, no or not_known.")
            row[field] = values[field]
        for field in ("victim_age", "perpetrator_age"):
            row[field] = None
            if values[field]:
                try:
                    row[field] = _whole(values[field], 0, 120)
                except ValueError:
                    bad(
                        field,
                        f"{_shown(values[field])}: the age must be a whole number from 0 to 120, or blank.",
                    )
        try:
            row["children_in_household"] = _whole(values["children_in_household"], 0, 30)
        except ValueError:
            bad(
                "children_in_household",
                f"{_shown(values['children_in_household'])}: enter the number of children as a whole number of 0 or more.",
            )
        review = values.get("review_at_12_months", "")
        if review not in YES_NO | {""}:
            bad("review_at_12_months", f"{_shown(review)}: enter yes or no, or leave it blank.")
        row["review_at_12_months"] = review == "yes"
        row["visible_high_risk"] = row["dash_score"] is not None and row["dash_score"] >= self.threshold
        row["line"] = line
        return row, row_errors


class _Scan:
    """The rows of a file after its header, checked one at a time as they are read (the file is
    never held as rows): iterate for (line, values or None, problems) of each row that is not
    blank. Checking stops, as it always has, at the end of the first whole row by which
    MAX_ERRORS problems have been found (`stopped_at` is then that row)."""

    def __init__(self, opened, total: int, progress: Progress | None, id_check: IdCheck | None = None):
        self.reader, columns = opened
        self.total, self.progress, self.id_check = total, progress, id_check
        self.check = _RowChecker(columns)  # its queries come first: none may run while rows are copied
        self.stopped_at: int | None = None
        self.read = 0

    def __iter__(self):
        check = self.check
        found = 0
        for line, raw in enumerate(self.reader, start=2):
            self.read = line - 1
            if self.progress is not None and (line - 2) % PROGRESS_EVERY == 0:
                self.progress(line - 2, self.total)
            if not raw or all(not cell.strip() for cell in raw):
                continue
            if len(raw) != len(check.columns):
                found += 1
                yield line, None, [(line, "row", f"Expected {len(check.columns)} columns, found {len(raw)}.")]
                continue
            row, errors = check(line, raw, self.id_check)
            found += len(errors)
            yield line, row, errors
            if found >= MAX_ERRORS:
                self.stopped_at = line
                break
        if self.progress is not None:
            done = self.read if self.stopped_at is None else max(self.total, self.read)
            self.progress(done, done)


def _is_utf8(data: bytes) -> bool:
    """Whether the whole file is UTF-8, decoded a megabyte at a time (never copied whole)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(view), 1 << 20):
            decoder.decode(view[start : start + (1 << 20)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _rows_in(data: bytes) -> int:
    """About how many rows follow the header (exact unless a value holds a line break): for the
    progress bar, before the file has been read."""
    lines = data.count(b"\n") + (0 if not data or data.endswith(b"\n") else 1)
    return max(lines - 1, 0)


def _opened(data: bytes):
    """A CSV reader over the file's rows (checked as UTF-8 first, a file imported before
    refused) and its columns, from its header. Raises ImportRejected for the whole file."""
    refuse_reimport(data)
    if not _is_utf8(data):
        raise ImportRejected([(1, "file", "The file must be a CSV saved as UTF-8.")])
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    header = next(reader, None)
    if header is None:
        raise ImportRejected([(1, "header", "The file is empty.")])
    columns = [h.strip().lstrip("\ufeff") for h in header]
    problems = header_errors(columns)
    if problems:
        raise ImportRejected(problems)
    return reader, columns


def _staged() -> bool:
    """Whether the file is staged and written by set-based SQL (PostgreSQL); elsewhere the rows
    are checked and written through the ORM, with the same results."""
    return connection.vendor == "postgresql"


def _chunk() -> int:
    """How many values one IN (...) may hold: SQLite's variable limit, or larger on PostgreSQL."""
    return 10_000 if connection.vendor == "postgresql" else 900


def column_defaults(model, given: Iterable[str]) -> dict[str, object]:
    """{column: default} for each column of `model` not in `given` (column names), adapted as a
    query parameter: what a raw INSERT must add for the fields it does not set, since Django
    keeps defaults in Python rather than in the database."""
    given = set(given)
    return {
        field.column: field.get_db_prep_save(field.get_default(), connection)
        for field in model._meta.concrete_fields
        if field.column not in given and not field.primary_key
    }


def already_imported(data: bytes) -> ImportBatch | None:
    """The earlier import of exactly this file, if there was one."""
    return ImportBatch.objects.filter(sha256=hashlib.sha256(data).hexdigest()).order_by("created_at").first()


def refuse_reimport(data: bytes) -> None:
    """One plain message for a file that has been imported before."""
    earlier = already_imported(data)
    if earlier is not None:
        raise ImportRejected(
            [
                (
                    1,
                    "file",
                    f"This file was already imported on {timezone.localtime(earlier.created_at):%-d %B %Y} "
                    f"({earlier.row_count} referrals, {earlier.file_name}).",
                )
            ]
        )


RACED = "Another import is running for these people; try again when it has finished."
UNIQUE_VIOLATION, DEADLOCK = "23505", "40P01"  # PostgreSQL's SQLSTATE codes


@contextmanager
def _refused_if_raced() -> Iterator[None]:
    """Two imports at once with the same referral ids (or, through the ORM, the same new people):
    both were checked before either wrote, so the one that writes second meets the first's rows
    in the unique indexes (or, in a different order, a deadlock). Its transaction is already
    rolled back when this sees the error; the officer is told to try again, not shown a database
    error. (The staged import makes people with ON CONFLICT DO NOTHING: the second waits for the
    first and then uses the people it made.)"""
    try:
        yield
    except (IntegrityError, OperationalError) as exc:
        cause = exc.__cause__
        code = getattr(cause, "sqlstate", None)
        table = getattr(getattr(cause, "diag", None), "table_name", None)
        ours = {Person._meta.db_table, Referral._meta.db_table}
        if (code == UNIQUE_VIOLATION and table in ours) or code == DEADLOCK:
            raise ImportRejected([(1, "file", RACED)]) from exc
        raise


def import_referrals(*, actor, data: bytes, file_name: str, progress: Progress | None = None) -> ImportResult:
    """Import a referrals CSV, all or nothing.

    Raises ImportRejected (with every bad row and field) and writes nothing if any row is bad,
    including a row that, once repeats are worked out, meets no MARAC criterion, or if the same
    file has been imported before, or if another import wrote some of the same new people or
    referrals while this one was under way (RACED: try again).
    """
    with _checked(data, progress) as write, _refused_if_raced(), transaction.atomic():
        return write(actor=actor, batch_values=_batch_values(data, file_name, actor))


def preview_referrals(*, actor, data: bytes, file_name: str, progress: Progress | None = None) -> dict:
    """What importing the file would write (referrals, new people, repeats found, possible
    duplicates), worked out exactly as the import does and then undone: nothing is saved.
    Raises ImportRejected as import_referrals does."""
    with _checked(data, progress) as write, _refused_if_raced(), transaction.atomic():
        figures = write(actor=actor, batch_values=_batch_values(data, file_name, actor)).figures()
        transaction.set_rollback(True)
    return figures


def _batch_values(data: bytes, file_name: str, actor) -> dict:
    return {"file_name": file_name[:200], "sha256": hashlib.sha256(data).hexdigest(), "imported_by": actor}


@contextmanager
def _checked(data: bytes, progress: Progress | None):
    """Check the whole file, raising ImportRejected with every problem, then give the function
    that writes it: write(actor=..., batch_values=...) -> ImportResult, to call in a transaction.
    On PostgreSQL the rows are staged in a temporary table and checked and written in SQL
    (about 100 times faster at national scale, and the file is never held as rows); elsewhere
    through the ORM."""
    scan = _Scan(_opened(data), _rows_in(data), progress)
    if not _staged():
        rows, errors = _orm_check(scan)
        if errors:
            raise ImportRejected(errors)
        yield functools.partial(_orm_write, rows=rows)
        return
    with _stage() as cursor:
        clean, errors = _stage_rows(cursor, scan)
        errors = _with_id_problems(cursor, errors)
        if not clean and not errors:
            errors = [NO_REFERRALS]
        if errors:
            raise ImportRejected(errors)
        yield functools.partial(_staged_write, cursor=cursor, clean=clean)


def _no_criterion(refs_and_lines: list[tuple[str, int]]) -> ImportRejected:
    return ImportRejected(
        [
            (
                line,
                "dash_score",
                f"Referral {ref} meets no MARAC criterion: the score is below "
                f"{conf.high_risk_threshold()}, there is no professional judgement or escalation, "
                "and it is not a repeat.",
            )
            for ref, line in sorted(refs_and_lines, key=lambda pair: pair[1])
        ]
    )


def _imported(*, actor, batch: ImportBatch, created: int, new_people: int, repeats: int, duplicates: int):
    # The same deadlines as referrals entered in the browser get (kept in step by the services).
    referrals_deadlines_sync(Referral.objects.filter(import_batch=batch))
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=batch,
        changed_fields=["referrals"],
        detail={"rows": created, "sha256": batch.sha256},
    )
    return ImportResult(
        batch=batch, created=created, repeats=repeats, new_people=new_people, possible_duplicates=duplicates
    )


# --- Through the ORM (SQLite) -------------------------------------------------------------------


def _orm_write(*, actor, rows: list[dict], batch_values: dict) -> ImportResult:
    batch = ImportBatch.objects.create(row_count=len(rows), **batch_values)
    victims, new_victims = _people(PersonRole.VICTIM, {r["victim_ref"] for r in rows})
    perpetrators, new_perpetrators = _people(
        PersonRole.PERPETRATOR, {r["perpetrator_ref"] for r in rows if r["perpetrator_ref"]}
    )
    now = timezone.now()
    values = [
        {
            "reference": r["reference"],
            "area_id": r["area_id"],
            "victim_id": victims[r["victim_ref"]],
            "perpetrator_id": perpetrators.get(r["perpetrator_ref"]),
            "referral_date": r["referral_date"],
            "referring_agency_id": r["referring_agency_id"],
            "dash_score": r["dash_score"],
            "visible_high_risk": r["visible_high_risk"],
            "professional_judgement": r["professional_judgement"],
            "potential_escalation": r["escalation"],
            "children_in_household": r["children_in_household"],
            "victim_sex": r["victim_sex"],
            "victim_age": r["victim_age"],
            "victim_ethnicity": r["victim_ethnicity"],
            "victim_disabled": r["victim_disabled"],
            "victim_lgbt": r["victim_lgbt"],
            "perpetrator_age": r["perpetrator_age"],
            "review_at_12_months": r["review_at_12_months"],
            "status": ReferralStatus.HEARD.value if r["heard_date"] else ReferralStatus.REFERRED.value,
            "heard_date": r["heard_date"],
            "import_batch_id": batch.pk,
            "created_by_id": actor.pk if actor else None,
            "created_at": now,
        }
        for r in rows
    ]
    for start in range(0, len(values), BATCH):
        Referral.objects.bulk_create([Referral(**v) for v in values[start : start + BATCH]])
    referrals_recompute_repeats(
        victim_ids=set(victims.values()), touched={(r["area_id"], r["heard_date"]) for r in rows}
    )
    no_criterion = list(
        Referral.objects.filter(
            import_batch=batch,
            visible_high_risk=False,
            professional_judgement=False,
            potential_escalation=False,
            is_repeat=False,
        ).values_list("reference", flat=True)[:MAX_ERRORS]
    )
    if no_criterion:
        line_of = {r["reference"]: r["line"] for r in rows}
        raise _no_criterion([(ref, line_of[ref]) for ref in no_criterion])
    return _imported(
        actor=actor,
        batch=batch,
        created=len(rows),
        new_people=new_victims + new_perpetrators,
        repeats=Referral.objects.filter(import_batch=batch, is_repeat=True).count(),
        duplicates=Referral.objects.filter(import_batch=batch, possible_duplicate=True).count(),
    )


def _orm_check(scan: _Scan) -> tuple[list[dict], list[tuple[int, str, str]]]:
    """Every row checked in Python, the referral ids against the file and the database too (the
    file is read whole first, to look its ids up a chunk at a time)."""
    raw_rows = list(scan.reader)
    ids = [r[0].strip() for r in raw_rows if r]
    existing = set()
    for start in range(0, len(ids), _chunk()):
        existing.update(
            Referral.objects.filter(reference__in=ids[start : start + _chunk()]).values_list(
                "reference", flat=True
            )
        )
    seen: dict[str, int] = {}

    def id_check(ref: str, line: int) -> str | None:
        if ref in seen:
            return _also_on_row(ref, seen[ref])
        seen[ref] = line
        return _already_imported(ref) if ref in existing else None

    scan.reader, scan.total, scan.id_check = raw_rows, len(raw_rows), id_check
    rows, errors = [], []
    for _line, row, row_errors in scan:
        if row_errors:
            errors.extend(row_errors)
        else:
            rows.append(row)
    if scan.stopped_at is not None:
        errors.append(_stopped(scan.stopped_at))
    if not rows and not errors:
        errors.append(NO_REFERRALS)
    return rows, errors


def _people(role: str, refs: set[str]) -> tuple[dict[str, int], int]:
    found: dict[str, int] = {}
    refs_list = sorted(refs)
    for start in range(0, len(refs_list), _chunk()):
        found.update(
            Person.objects.filter(role=role, source_ref__in=refs_list[start : start + _chunk()]).values_list(
                "source_ref", "id"
            )
        )
    now = timezone.now()
    missing = [Person(role=role, source_ref=ref, created_at=now) for ref in refs_list if ref not in found]
    for start in range(0, len(missing), BATCH):
        Person.objects.bulk_create(missing[start : start + BATCH])
    if missing:
        for start in range(0, len(refs_list), _chunk()):
            found.update(
                Person.objects.filter(
                    role=role, source_ref__in=refs_list[start : start + _chunk()]
                ).values_list("source_ref", "id")
            )
    return found, len(missing)


# --- Staged in PostgreSQL --------------------------------------------------------------------

STAGE = "marac_import_stage"
# The staging table's columns after (line, reference, ok), with the key of each in a checked row.
STAGED = [
    ("area_id", "integer", "area_id"),
    ("referring_agency_id", "integer", "referring_agency_id"),
    ("referral_date", "date", "referral_date"),
    ("heard_date", "date", "heard_date"),
    ("victim_ref", "text", "victim_ref"),
    ("perpetrator_ref", "text", "perpetrator_ref"),
    ("dash_score", "smallint", "dash_score"),
    ("visible_high_risk", "boolean", "visible_high_risk"),
    ("professional_judgement", "boolean", "professional_judgement"),
    ("potential_escalation", "boolean", "escalation"),
    ("children_in_household", "smallint", "children_in_household"),
    ("victim_sex", "text", "victim_sex"),
    ("victim_age", "smallint", "victim_age"),
    ("victim_ethnicity", "text", "victim_ethnicity"),
    ("victim_disabled", "text", "victim_disabled"),
    ("victim_lgbt", "text", "victim_lgbt"),
    ("perpetrator_age", "smallint", "perpetrator_age"),
    ("review_at_12_months", "boolean", "review_at_12_months"),
]
NOT_STAGED = (None,) * len(STAGED)  # a row with problems: only its line and referral id count


@contextmanager
def _stage():
    """A temporary staging table for one file, on this connection, dropped afterwards. It is
    made outside the import's transaction so that progress is seen while the file is read."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGE} (line integer NOT NULL, reference text, ok boolean NOT NULL, "
            + ", ".join(f"{name} {kind}" for name, kind, _key in STAGED)
            + ")"
        )
        try:
            yield cursor
        finally:
            try:
                cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
            except (DatabaseError, TransactionManagementError):
                pass  # a broken transaction: its rollback removes the table (or the next import does)


def _stage_rows(cursor, scan: _Scan) -> tuple[int, list[tuple[int, str, str]]]:
    """COPY every row that has the right columns into the staging table, BATCH rows at a time
    (progress is reported between batches). Returns the number of clean rows and the problems
    found row by row."""
    columns = ", ".join(["line", "reference", "ok"] + [name for name, _kind, _key in STAGED])
    keys = [key for _name, _kind, key in STAGED]
    errors: list[tuple[int, str, str]] = []
    clean = 0
    batch: list[tuple] = []

    def flush() -> None:
        with (
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {STAGE} ({columns}) FROM STDIN") as copy,
        ):
            for values in batch:
                copy.write_row(values)
        batch.clear()

    for line, row, row_errors in scan:
        errors.extend(row_errors)
        if row is None:
            continue
        ref = row["reference"] if 0 < len(row["reference"]) <= 60 else None
        if row_errors:
            batch.append((line, ref, False, *NOT_STAGED))
        else:
            clean += 1
            batch.append((line, ref, True, *(row[key] for key in keys)))
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    cursor.execute(f"ANALYZE {STAGE}")  # temporary tables are never analysed automatically
    return clean, errors


def _with_id_problems(cursor, errors: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    """The problems found row by row with those of the referral ids (on an earlier row of the
    file, or already imported) worked out in SQL, in the order and with the stop after
    MAX_ERRORS problems that checking row by row gives."""
    # Each first row of an id looks it up in the unique index (LATERAL … LIMIT 1: one probe a
    # row, where a join would read every referral in the database).
    cursor.execute(
        f"""
        SELECT s.line, s.reference, s.first_line
        FROM (
            SELECT line, reference, min(line) OVER (PARTITION BY reference) AS first_line
            FROM {STAGE} WHERE reference IS NOT NULL
        ) AS s
        LEFT JOIN LATERAL (
            SELECT 1 AS found FROM partnerships_referral r
            WHERE s.line = s.first_line AND r.reference = s.reference LIMIT 1
        ) AS r ON true
        WHERE s.line > s.first_line OR r.found IS NOT NULL
        ORDER BY s.line
        LIMIT %s
        """,  # noqa: S608 - constant names; values are parameters
        [MAX_ERRORS],
    )
    found = [
        (line, "referral_id", _also_on_row(ref, first) if line > first else _already_imported(ref))
        for line, ref, first in cursor.fetchall()
    ]
    # A row's referral id is its first column, so its problem comes first (a stable merge).
    merged = list(heapq.merge(found, errors, key=lambda error: error[0]))
    if len(merged) >= MAX_ERRORS:
        # Checking stops at the end of the first whole row by which MAX_ERRORS were found.
        reached = merged[MAX_ERRORS - 1][0]
        cursor.execute(f"SELECT min(line) FROM {STAGE} WHERE line >= %s", [reached])  # noqa: S608
        (last,) = cursor.fetchone()
        if last is not None:
            merged = [error for error in merged if error[0] <= last] + [_stopped(last)]
    return merged


# For the import's own statements, each run once over the whole file: its sorts and hashes in
# memory rather than in temporary files (PostgreSQL's default is 4 MB), and not compiled by JIT
# (compiling them costs more than it saves). Local to the import's transaction.
SESSION = {"work_mem": "64MB", "jit": "off"}
ROWS = "marac_import_rows"  # the clean staged rows with their people's ids


def _staged_write(*, cursor, actor, clean: int, batch_values: dict) -> ImportResult:
    """Write a clean staged file in a few statements: the new people (INSERT … ON CONFLICT DO
    NOTHING), each row joined to its people, the flags of the file's referrals and of their
    victims' referrals already there worked out in one window (services.referral_flags_sql: the
    old ones that change are updated, the new ones are written with theirs), then the referrals
    in one INSERT … SELECT, in date order (as the referral table's date indexes keep them)."""
    for name, value in SESSION.items():
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
    batch = ImportBatch.objects.create(row_count=clean, **batch_values)
    now = timezone.now()
    new_people = 0
    quote = connection.ops.quote_name
    person_defaults = column_defaults(Person, {"role", "source_ref", "created_at"})
    for role, column in ((PersonRole.VICTIM, "victim_ref"), (PersonRole.PERPETRATOR, "perpetrator_ref")):
        cursor.execute(
            f"""
            INSERT INTO partnerships_person (role, source_ref, created_at, {", ".join(map(quote, person_defaults))})
            SELECT %s, ref, %s{", %s" * len(person_defaults)}
            FROM (SELECT DISTINCT {column} AS ref FROM {STAGE} WHERE ok AND {column} <> '') AS refs
            ORDER BY ref COLLATE "C"
            ON CONFLICT (role, source_ref) WHERE NOT (source_ref = '') DO NOTHING
            """,  # noqa: S608 - constant names; values are parameters
            [role.value, now, *person_defaults.values()],
        )
        new_people += cursor.rowcount
    cursor.execute(f"DROP TABLE IF EXISTS {ROWS}")
    cursor.execute(
        f"""
        CREATE TEMPORARY TABLE {ROWS} ON COMMIT DROP AS
        SELECT s.*, v.id AS victim_id, p.id AS perpetrator_id
        FROM {STAGE} s
        JOIN partnerships_person v
          ON v.role = %(victim)s AND v.source_ref = s.victim_ref AND NOT (v.source_ref = '')
        LEFT JOIN partnerships_person p
          ON p.role = %(perpetrator)s AND p.source_ref = s.perpetrator_ref AND NOT (p.source_ref = '')
        WHERE s.ok
        """,  # noqa: S608 - constant names; values are parameters
        {"victim": PersonRole.VICTIM.value, "perpetrator": PersonRole.PERPETRATOR.value},
    )
    cursor.execute(f"ANALYZE {ROWS}")  # for the window's plan: how many victims, and of whom
    referral_flags_sql(
        f"SELECT victim_id FROM {ROWS}",  # noqa: S608 - a constant name
        {},
        staged=f"SELECT line, victim_id, referral_date FROM {ROWS}",  # noqa: S608 - a constant name
    )
    cursor.execute(
        f"""
        SELECT s.reference, s.line FROM {ROWS} s JOIN marac_staged_flags f ON f.line = s.line
        WHERE NOT s.visible_high_risk AND NOT s.professional_judgement AND NOT s.potential_escalation
          AND NOT f.repeat
        ORDER BY s.referral_date DESC, s.line DESC
        LIMIT %s
        """,  # noqa: S608 - constant names; values are parameters
        [MAX_ERRORS],
    )
    no_criterion = cursor.fetchall()
    if no_criterion:
        raise _no_criterion(no_criterion)
    written = {
        "reference": "s.reference",
        "area_id": "s.area_id",
        "victim_id": "s.victim_id",
        "perpetrator_id": "s.perpetrator_id",
        **{name: f"s.{name}" for name, _kind, _key in STAGED if not name.endswith("_ref")},
        "is_repeat": "f.repeat",
        "possible_duplicate": "f.duplicate",
        "status": "CASE WHEN s.heard_date IS NULL THEN %(referred)s ELSE %(heard)s END",
        "import_batch_id": "%(batch)s",
        "created_by_id": "%(actor)s",
        "created_at": "%(now)s",
    }
    defaults = column_defaults(Referral, written)
    cursor.execute(
        f"""
        INSERT INTO partnerships_referral ({", ".join(map(quote, [*written, *defaults]))})
        SELECT {", ".join([*written.values(), *(f"%(default_{n})s" for n in range(len(defaults)))])}
        FROM {ROWS} s JOIN marac_staged_flags f ON f.line = s.line
        ORDER BY s.referral_date, s.line
        """,  # noqa: S608 - constant names; values are parameters
        {
            "referred": ReferralStatus.REFERRED.value,
            "heard": ReferralStatus.HEARD.value,
            "batch": batch.pk,
            "actor": actor.pk if actor else None,
            "now": now,
            **{f"default_{n}": value for n, value in enumerate(defaults.values())},
        },
    )
    summary.add(Referral.objects.filter(import_batch=batch))
    cursor.execute(
        "SELECT count(*) FILTER (WHERE repeat), count(*) FILTER (WHERE duplicate) FROM marac_staged_flags"
    )
    repeats, duplicates = cursor.fetchone()
    cursor.execute(f"DROP TABLE marac_staged_flags, {ROWS}")
    return _imported(
        actor=actor, batch=batch, created=clean, new_people=new_people, repeats=repeats, duplicates=duplicates
    )


# --- In the background, with a preview ---------------------------------------------------------


def import_job_create(*, actor, upload) -> ImportJob:
    """Keep an uploaded file and queue its check; the officer watches its progress and sees
    the preview when it is done. Raises ImportRejected at once for a file imported before."""
    data = upload.read()
    refuse_reimport(data)
    upload.seek(0)
    with transaction.atomic():
        job = ImportJob.objects.create(
            file=upload,
            file_name=upload.name[:200],
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by=actor,
        )
        audit_record(actor=actor, action=AuditAction.CREATE, obj=job, changed_fields=["file"])
        enqueue("partnerships.import_check", job.pk)
    return job


def _progress_of(job_id: int) -> Progress:
    def report(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(rows_checked=done, rows_total=total)

    return report


def _read(job: ImportJob) -> bytes:
    with job.file.open("rb") as handle:
        return handle.read()


def import_job_check(job_id: int) -> str:
    """Check a queued file and work out its preview (writing nothing). Safe to run twice: a job
    that is no longer being checked is left alone. Returns the job's status."""
    job = ImportJob.objects.select_related("uploaded_by").get(pk=job_id)
    if job.status != ImportStatus.CHECKING:
        return job.status
    try:
        figures = preview_referrals(
            actor=job.uploaded_by, data=_read(job), file_name=job.file_name, progress=_progress_of(job.pk)
        )
    except ImportRejected as exc:
        job = _finish(job, "reject", errors=[list(error) for error in exc.errors])
    except Exception:
        _finish(job, "fail")
        raise
    else:
        job = transition(
            job, "checked", machine=IMPORT_MOVES, actor=job.uploaded_by, values={"preview": figures}
        )
    return job.status


def import_job_confirm(*, actor, job: ImportJob) -> ImportJob:
    """The officer has seen the preview: queue the import itself. Raises MaracError unless the
    job is ready."""
    with transaction.atomic():
        job = transition(job, "confirm", machine=IMPORT_MOVES, actor=actor, values={"rows_checked": 0})
        enqueue("partnerships.import_write", job.pk)
    return job


def import_job_write(job_id: int) -> str:
    """Import a confirmed file, all or nothing (its history may have changed since the preview,
    so it is checked again). Safe to run twice. Returns the job's status."""
    job = ImportJob.objects.select_related("uploaded_by").get(pk=job_id)
    if job.status != ImportStatus.IMPORTING:
        return job.status
    try:
        result = import_referrals(
            actor=job.uploaded_by, data=_read(job), file_name=job.file_name, progress=_progress_of(job.pk)
        )
    except ImportRejected as exc:
        job = _finish(job, "reject", errors=[list(error) for error in exc.errors])
    except Exception:
        _finish(job, "fail")
        raise
    else:
        job = _finish(job, "imported", batch=result.batch, preview=result.figures())
    return job.status


def _finish(job: ImportJob, move: str, **values) -> ImportJob:
    return transition(
        job,
        move,
        machine=IMPORT_MOVES,
        actor=job.uploaded_by,
        values={**values, "finished_at": timezone.now()},
    )
