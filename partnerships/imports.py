"""Import of historic MARAC referrals from CSV: the way off spreadsheets.

All or nothing (S22): every row is checked first and one bad row rejects the file, with a report
naming each bad row and field. Only a clean file is written, in bulk, and repeats are then worked
out across each victim's whole history exactly as for referrals entered in the browser.
"""

import csv
import hashlib
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from somerset_safety.accounts.models import Agency
from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from somerset_safety.core.queueing import enqueue
from somerset_safety.core.transitions import transition

from . import conf
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
from .services import referrals_recompute_repeats
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
    for name in COLUMNS:
        if name not in header:
            errors.append((1, name, f"The column {name} is missing."))
    seen = set()
    for position, name in enumerate(header, start=1):
        if name not in COLUMNS:
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
        for position, (found, wanted) in enumerate(zip(header, COLUMNS, strict=True), start=1):
            if found != wanted:
                errors.append((1, found, f"Column {position} should be {wanted}, not {found}."))
    return errors


def _shown(value: str) -> str:
    """A value echoed in a message, as it was in the file."""
    return f"“{value}”" if value else "blank"


def _parse(text: str, progress: Progress | None = None) -> tuple[list[dict], list[tuple[int, str, str]]]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        return [], [(1, "header", "The file is empty.")]
    header = [h.strip().lstrip("\ufeff") for h in header]
    problems = header_errors(header)
    if problems:
        return [], problems
    areas = dict(MaracArea.objects.values_list("code", "id"))
    agencies = {
        code: (pk, kind) for code, pk, kind in Agency.objects.values_list("code", "id", "agency_type")
    }
    existing_ids = set()
    rows, errors, seen = [], [], {}
    raw_rows = list(reader)
    ids = [r[0].strip() for r in raw_rows if r]
    for start in range(0, len(ids), _chunk()):
        existing_ids.update(
            Referral.objects.filter(reference__in=ids[start : start + _chunk()]).values_list(
                "reference", flat=True
            )
        )
    threshold = conf.high_risk_threshold()
    for line, raw in enumerate(raw_rows, start=2):
        if progress is not None and (line - 2) % PROGRESS_EVERY == 0:
            progress(line - 2, len(raw_rows))
        if not raw or all(not cell.strip() for cell in raw):
            continue
        if len(raw) != len(COLUMNS):
            errors.append((line, "row", f"Expected {len(COLUMNS)} columns, found {len(raw)}."))
            continue
        values = {name: cell.strip() for name, cell in zip(COLUMNS, raw, strict=True)}
        row_errors = []

        def bad(field: str, message: str, ref: str = values["referral_id"]) -> None:
            # Every message names the referral (when the row has an id) and echoes the value.
            prefix = f"Referral {ref}: " if ref and field != "referral_id" else ""
            row_errors.append((line, field, prefix + message))  # noqa: B023 - used within this iteration only

        row = {}
        ref = values["referral_id"]
        if not ref:
            bad("referral_id", "Enter the referral id.")
        elif len(ref) > 60:
            bad("referral_id", "The referral id must be 60 characters or fewer.")
        elif ref in seen:
            bad("referral_id", f"The referral id {ref} is also on row {seen[ref]}.")
        elif ref in existing_ids:
            bad("referral_id", f"The referral id {ref} has already been imported.")
        seen.setdefault(ref, line)
        row["reference"] = ref
        if values["marac_area"] not in areas:
            bad("marac_area", f"{_shown(values['marac_area'])} is not the code of a MARAC area.")
        row["area_id"] = areas.get(values["marac_area"])
        if values["referring_agency"] not in agencies:
            bad("referring_agency", f"{_shown(values['referring_agency'])} is not the code of an agency.")
        row["referring_agency_id"] = agencies.get(values["referring_agency"], (None, None))[0]
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
        if values["victim_sex"] not in Sex.values:
            bad("victim_sex", f"{_shown(values['victim_sex'])}: enter female, male, other or not_known.")
        row["victim_sex"] = values["victim_sex"]
        if values["victim_ethnicity"] not in Ethnicity.values:
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
        row["visible_high_risk"] = row["dash_score"] is not None and row["dash_score"] >= threshold
        row["line"] = line
        if row_errors:
            errors.extend(row_errors)
        else:
            rows.append(row)
        if len(errors) >= MAX_ERRORS:
            errors.append((line, "file", f"Stopped checking after {MAX_ERRORS} problems."))
            break
    if not rows and not errors:
        errors.append((1, "file", "The file has a header row but no referrals."))
    if progress is not None:
        progress(len(raw_rows), len(raw_rows))
    return rows, errors


def _chunk() -> int:
    """How many values one IN (...) may hold: SQLite's variable limit, or larger on PostgreSQL."""
    return 10_000 if connection.vendor == "postgresql" else 900


def _copy_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return '"' + str(value).replace('"', '""') + '"'


def _bulk_insert(model, values: list[dict]) -> None:
    """Insert many rows: COPY on PostgreSQL (about ten times faster than INSERT for a large
    import), bulk_create elsewhere. Every column the model requires must be in `values`;
    fields with defaults that are left out get them."""
    if not values:
        return
    if connection.vendor != "postgresql":
        for start in range(0, len(values), BATCH):
            model.objects.bulk_create([model(**v) for v in values[start : start + BATCH]])
        return
    names = list(values[0])
    defaults = {
        f.attname: f.get_default()
        for f in model._meta.concrete_fields
        if f.attname not in names and not f.primary_key
    }
    names += list(defaults)
    columns = ", ".join(
        connection.ops.quote_name(model._meta.get_field(n.removesuffix("_id")).column) for n in names
    )
    buffer = io.StringIO()
    for row in values:
        merged = row | defaults
        buffer.write(",".join(_copy_value(merged[n]) for n in names) + "\n")
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.wrap_database_errors,  # Django's errors, as for every other query
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy,
    ):
        copy.write(buffer.getvalue())


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
    missing = [{"role": role, "source_ref": ref, "created_at": now} for ref in refs_list if ref not in found]
    _bulk_insert(Person, missing)
    if missing:
        for start in range(0, len(refs_list), _chunk()):
            found.update(
                Person.objects.filter(
                    role=role, source_ref__in=refs_list[start : start + _chunk()]
                ).values_list("source_ref", "id")
            )
    return found, len(missing)


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


def _checked(data: bytes, progress: Progress | None) -> list[dict]:
    refuse_reimport(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected([(1, "file", "The file must be a CSV saved as UTF-8.")]) from None
    rows, errors = _parse(text, progress)
    if errors:
        raise ImportRejected(errors)
    return rows


RACED = "Another import is running for these people; try again when it has finished."
UNIQUE_VIOLATION, DEADLOCK = "23505", "40P01"  # PostgreSQL's SQLSTATE codes


@contextmanager
def _refused_if_raced() -> Iterator[None]:
    """Two imports at once with the same new people (or referral ids): both were checked before
    either wrote, so the one that writes second meets the first's rows in the unique indexes
    (or, in a different order, a deadlock). Its transaction is already rolled back when this
    sees the error; the officer is told to try again, not shown a database error."""
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
    rows = _checked(data, progress)
    with _refused_if_raced(), transaction.atomic():
        return _write(actor=actor, rows=rows, data=data, file_name=file_name)


def preview_referrals(*, actor, data: bytes, file_name: str, progress: Progress | None = None) -> dict:
    """What importing the file would write (referrals, new people, repeats found, possible
    duplicates), worked out exactly as the import does and then undone: nothing is saved.
    Raises ImportRejected as import_referrals does."""
    rows = _checked(data, progress)
    with _refused_if_raced(), transaction.atomic():
        figures = _write(actor=actor, rows=rows, data=data, file_name=file_name).figures()
        transaction.set_rollback(True)
    return figures


def _write(*, actor, rows: list[dict], data: bytes, file_name: str) -> ImportResult:
    batch = ImportBatch.objects.create(
        file_name=file_name[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        row_count=len(rows),
        imported_by=actor,
    )
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
            "status": ReferralStatus.HEARD.value if r["heard_date"] else ReferralStatus.REFERRED.value,
            "heard_date": r["heard_date"],
            "import_batch_id": batch.pk,
            "created_by_id": actor.pk if actor else None,
            "created_at": now,
        }
        for r in rows
    ]
    _bulk_insert(Referral, values)
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
        raise ImportRejected(
            [
                (
                    line_of[ref],
                    "dash_score",
                    f"Referral {ref} meets no MARAC criterion: the score is below "
                    f"{conf.high_risk_threshold()}, there is no professional judgement or escalation, "
                    "and it is not a repeat.",
                )
                for ref in sorted(no_criterion, key=line_of.get)
            ]
        )
    repeats = Referral.objects.filter(import_batch=batch, is_repeat=True).count()
    duplicates = Referral.objects.filter(import_batch=batch, possible_duplicate=True).count()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=batch,
        changed_fields=["referrals"],
        detail={"rows": len(rows), "sha256": batch.sha256},
    )
    return ImportResult(
        batch=batch,
        created=len(rows),
        repeats=repeats,
        new_people=new_victims + new_perpetrators,
        possible_duplicates=duplicates,
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
