import hashlib
import logging
from datetime import date
from difflib import SequenceMatcher

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from somerset_safety.core.edits import save_changes
from somerset_safety.core.queueing import enqueue
from somerset_safety.core.transitions import transition

from . import disclosure
from .disclosure import shown
from .exceptions import ReportError
from .models import (
    GENERATED_AFTER,
    NARRATIVE_FIELDS,
    NARRATIVE_SECTIONS,
    SIGN_OFF_ROLES,
    ExecutiveReport,
    ReportVersion,
    VersionAttachment,
    VersionStatus,
)
from .periods import PeriodKind, ReportPeriod, report_period
from .registry import report_sections
from .states import VERSION_MOVES

logger = logging.getLogger(__name__)

HEADER_FIELDS = [
    "title",
    "meeting",
    "meeting_date",
    "decision_body",
    "lead_officer",
    "author_and_contact",
    "cabinet_member",
    "division_and_local_member",
    "key_decision",
    "forward_plan_reference",
    "publication",
    "period_end",
    "period_kind",
    "period_start",
]
EDITABLE_FIELDS = [
    *HEADER_FIELDS,
    *NARRATIVE_FIELDS,
    "other_appendices",
    "detailed_appendices",
    "sign_off",
    "exempt_information",
]
DATE_FIELDS = ("meeting_date", "period_end", "period_start")


def _clean_period(report: ExecutiveReport) -> None:
    if report.period_kind != PeriodKind.DATES:
        report.period_start = None


@transaction.atomic
def report_create(*, actor, data: dict) -> ExecutiveReport:
    """Create a report from cleaned form data (only the editable fields are read)."""
    report = ExecutiveReport(created_by=actor, **{f: data[f] for f in EDITABLE_FIELDS if f in data})
    _clean_period(report)
    report.full_clean()
    report.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=report)
    return report


@transaction.atomic
def report_update(
    *, actor, report: ExecutiveReport, data: dict, expected_version: str = ""
) -> ExecutiveReport:
    """Change the draft. Generated versions are untouched: they keep what they were made from.
    Raises StaleEdit if someone changed the draft after `expected_version` (the form's)."""
    report = ExecutiveReport.objects.select_for_update().get(pk=report.pk)
    draft = ExecutiveReport.objects.get(pk=report.pk)
    for field in EDITABLE_FIELDS:
        if field in data:
            setattr(draft, field, data[field])
    _clean_period(draft)
    values = {field: getattr(draft, field) for field in EDITABLE_FIELDS}
    if any(getattr(report, field) != value for field, value in values.items()):
        draft.full_clean()
    save_changes(report, values, actor, expected_version=expected_version)
    return report


def live_snapshot(period: ReportPeriod) -> dict:
    """Every generated section's figures for `period`, as they stood on its end date
    (aggregate, no personal data)."""
    return {section.key: section.build(period) for section in report_sections()}


def report_content(report: ExecutiveReport) -> dict:
    """The header and narrative as the paper prints them (JSON-able: frozen in each version)."""
    content = {f: getattr(report, f) for f in EDITABLE_FIELDS}
    for field in DATE_FIELDS:
        content[field] = content[field].isoformat() if content[field] else None
    content["period"] = report.period.to_json()
    return content


def figures_date(report: ExecutiveReport, today: date | None = None) -> ReportPeriod:
    """The period a preview computes for: the report's own, or to today while it is in the future."""
    today = today or timezone.localdate()
    period = report.period
    if period.end <= today:
        return period
    return report_period(period.kind, today, min(period.start, today))


@transaction.atomic
def report_version_generate(*, actor, report: ExecutiveReport) -> ReportVersion:
    """Freeze the figures for the report's period and the current text as a new version, and
    queue its PDF.

    The snapshot is taken now, in this transaction, as at the report's figures date (which
    may be in the past: a paper for the quarter ending 31 March made in April shows that
    quarter); the PDF is drawn from the snapshot, so it shows exactly these figures whenever
    the worker gets to it. Raises ReportError for a figures date still in the future.
    """
    report = ExecutiveReport.objects.select_for_update().get(pk=report.pk)
    period = report.period
    if period.end > timezone.localdate():
        raise ReportError(
            f"The figures are as at {period.end.day} {period.end:%B %Y}, which has not come yet. "
            "Change the date the figures are as at, or generate the paper after it."
        )
    number = (report.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ReportVersion.objects.create(
        report=report,
        number=number,
        snapshot=live_snapshot(period),
        content=report_content(report),
        generated_by=actor,
        period_kind=period.kind,
        period_start=period.start,
        period_end=period.end,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=version,
        detail={"report": report.pk, "period": period.to_json()},
    )
    enqueue("reports.render_version", version.pk)
    return version


def _block(heading: str, **extra) -> dict:
    return {"heading": heading, **extra}


def document_outline(content: dict, snapshot: dict) -> list[dict]:
    """The paper's numbered sections, in the order of a council Executive report: narrative and
    generated sections, the list of appendices and the sign-off table, then the appendices.
    A section with nothing in it is left out (and the numbering closes up). The paper is public:
    its figures are protected by the disclosure-control rule."""
    generated = [s for s in report_sections() if s.key in snapshot]
    blocks = []
    for field, heading in NARRATIVE_SECTIONS:
        paragraphs = _paragraphs(content.get(field, ""))
        if paragraphs:
            blocks.append(_block(heading, paragraphs=paragraphs))
        if field == GENERATED_AFTER:
            blocks += [
                _block(s.title, template=s.template, data=shown(snapshot[s.key], s.declare, suppress=True))
                for s in generated
                if not s.appendix
            ]
    appendix_sections = [s for s in generated if s.appendix]
    appendix_names = [f"Appendix {n} — {s.title}" for n, s in enumerate(appendix_sections, start=1)]
    published = [
        f"{attachment.title} ({attachment.file_name}, published with this paper)"
        for _section, attachment in _attachments(snapshot, content)
    ]
    others = [line.strip() for line in content.get("other_appendices", "").splitlines() if line.strip()]
    appendix_names += [
        f"Appendix {n} — {title}"
        for n, title in enumerate([*published, *others], start=len(appendix_sections) + 1)
    ]
    if appendix_names:
        blocks.append(_block("List of appendices", appendix_list=appendix_names))
    sign_off = content.get("sign_off") or {}
    rows = [
        {"role": label, "name": sign_off[key].get("name", ""), "date": sign_off[key].get("date")}
        for key, label in SIGN_OFF_ROLES
        if key in sign_off and (sign_off[key].get("name") or sign_off[key].get("date"))
    ]
    if rows:
        blocks.append(_block("Report sign-off", sign_off=rows))
    for number, block in enumerate(blocks, start=1):
        block["number"] = number
        block["label"] = f"{number}. {block['heading']}"
        block["numbered"] = [
            (f"{number}.{i}", text) for i, text in enumerate(block.get("paragraphs", []), start=1)
        ]
    appendices = [
        {
            "heading": section.title,
            "label": appendix_names[n - 1],
            "template": section.template,
            "data": shown(snapshot[section.key], section.declare, suppress=True),
            "number": f"A{n}",
            "appendix": True,
        }
        for n, section in enumerate(appendix_sections, start=1)
    ]
    return blocks + appendices


def _attachments(snapshot: dict, content: dict) -> list:
    """(section, attachment) for every file published with a paper of this snapshot and text,
    in order: the optional ones only if the report asks for its detailed appendices."""
    detailed = bool(content.get("detailed_appendices"))
    return [
        (section, attachment)
        for section in report_sections()
        if section.key in snapshot
        for attachment in section.attachments
        if detailed or not attachment.optional
    ]


def _attachment_files(version: ReportVersion) -> list[tuple[str, str, bytes]]:
    """(title, file name, bytes) of each file published with the version, made from the figures
    as the paper shows them (protected by the disclosure-control rule). Raises PdfRenderError
    when a PDF one cannot be drawn whole."""
    from somerset_safety.pdf.render import render_pdf

    files = []
    for section, attachment in _attachments(version.snapshot, version.content):
        data = shown(version.snapshot[section.key], section.declare, suppress=True)
        if attachment.make is not None:
            body = attachment.make(data)
        else:
            context = {"attachment": attachment, "data": data, "content": version.content, "version": version}
            body = render_pdf(render_to_string("reports/pdf/attachment.html", context))
        files.append((attachment.title, attachment.file_name, body))
    return files


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in (text or "").replace("\r\n", "\n").split("\n\n") if p.strip()]


def _version_failed(version_id: int, message: str) -> None:
    """Mark a queued version failed with the officer's message (a version another worker made
    ready meanwhile stays ready: the machine refuses that move)."""
    version = ReportVersion.objects.get(pk=version_id)
    if VERSION_MOVES.refusal(version, "fail") is None:
        error = message[: ReportVersion._meta.get_field("error").max_length]
        transition(version, "fail", machine=VERSION_MOVES, actor=None, values={"error": error})


def report_version_render(*, version_id: int) -> ReportVersion:
    """Draw the version's PDF (and confidential appendix) from its snapshot, and make the files
    published with it (registry.Attachment). Safe to run twice.

    A PDF that cannot be drawn whole (a stylesheet or font that does not load, tagging that
    fails) marks the version failed with a message for the officer, who may try again; it is
    never stored as ready.
    """
    from somerset_safety.pdf.render import PdfRenderError, render_pdf

    version = ReportVersion.objects.select_related("report", "generated_by").get(pk=version_id)
    if version.status == VersionStatus.READY:
        return version
    context = {
        "version": version,
        "content": version.content,
        "outline": document_outline(version.content, version.snapshot),
        "generated_at": version.generated_at,
        "for_pdf": True,
    }
    try:
        public_pdf = render_pdf(render_to_string("reports/pdf/executive_report.html", context))
        confidential_pdf = None
        if version.content.get("exempt_information", "").strip():
            confidential_pdf = render_pdf(render_to_string("reports/pdf/confidential_appendix.html", context))
        files = _attachment_files(version)
    except PdfRenderError as exc:
        logger.warning("Report version %s could not be rendered: %s", version.pk, exc)
        _version_failed(version.pk, str(exc))
        version.refresh_from_db()
        return version
    except Exception:  # noqa: BLE001 - an unexpected failure is recorded on the version for the officer
        logger.exception("Report version %s could not be rendered", version.pk)
        _version_failed(
            version.pk,
            "The PDF could not be made because of an unexpected error. Try again; if it "
            "fails again, contact support.",
        )
        version.refresh_from_db()
        return version
    with transaction.atomic():
        version = ReportVersion.objects.select_for_update().get(pk=version_id)
        if version.status == VersionStatus.READY:
            return version
        stem = f"executive-report-{version.report_id}-v{version.number}"
        version.pdf.save(f"{stem}.pdf", ContentFile(public_pdf), save=False)
        values = {"pdf": version.pdf.name, "pdf_sha256": hashlib.sha256(public_pdf).hexdigest(), "error": ""}
        if confidential_pdf is not None:
            version.confidential_pdf.save(
                f"{stem}-confidential.pdf", ContentFile(confidential_pdf), save=False
            )
            values["confidential_pdf"] = version.confidential_pdf.name
            values["confidential_sha256"] = hashlib.sha256(confidential_pdf).hexdigest()
        for position, (title, file_name, body) in enumerate(files, start=1):
            attachment = VersionAttachment(
                version=version,
                position=position,
                title=title,
                file_name=file_name,
                sha256=hashlib.sha256(body).hexdigest(),
            )
            attachment.file.save(f"{stem}-{file_name}", ContentFile(body), save=False)
            attachment.save()
        return transition(version, "ready", machine=VERSION_MOVES, actor=None, values=values)


@transaction.atomic
def report_version_retry(*, actor, version: ReportVersion) -> ReportVersion:
    """Draw a failed version's PDF again from the same frozen snapshot.

    Raises ReportError unless the version failed.
    """
    version = transition(version, "retry", machine=VERSION_MOVES, actor=actor, detail={"retry": True})
    enqueue("reports.render_version", version.pk)
    return version


def _section_figures(section, old: dict | None, new: dict | None, suppress: bool) -> list[dict]:
    """The declared figures of one section that differ between two versions, by their own labels.
    For a viewer without detail access both versions are protected together: a figure hidden in
    either is hidden in both, so no difference gives a small count away."""
    declared_old = section.declare(old) if old is not None else None
    declared_new = section.declare(new) if new is not None else None
    if suppress and declared_old and declared_new:
        before, after = disclosure.protect_together((old, declared_old), (new, declared_new))
    else:
        protect = disclosure.protect if suppress else disclosure.exact
        before = protect(old, declared_old) if declared_old else None
        after = protect(new, declared_new) if declared_new else None
    labels: dict[str, str] = {}
    for declared in (declared_old, declared_new):
        for figure in declared.figures if declared else []:
            labels.setdefault(figure.key, figure.label)
    rows = []
    for key, label in labels.items():
        was = before.values.get(key) if before else None
        now = after.values.get(key) if after else None
        if was == now or (disclosure.is_withheld(was) and disclosure.is_withheld(now)):
            continue  # unchanged, or hidden in both versions: nothing the reader may compare
        rows.append({"section": section.title, "figure": label, "before": was, "after": now})
    return rows


def versions_compare(older: ReportVersion, newer: ReportVersion, *, suppress: bool = True) -> list[dict]:
    """The figures that differ between two versions, section by section in the paper's order,
    each by its own label ("North Somerset: repeat cases"). Protected by the disclosure-control
    rule unless `suppress` is False (viewers with detail access)."""
    rows = []
    for section in report_sections():
        old, new = older.snapshot.get(section.key), newer.snapshot.get(section.key)
        if section.declare is None or (old is None and new is None):
            continue
        rows += _section_figures(section, old, new, suppress)
    return rows


def _words(text: str) -> list[str]:
    return (text or "").split()


def word_diff(before: str, after: str) -> list[dict]:
    """[{"op": "same" | "removed" | "added", "text": "…"}]: the words of `after` against `before`."""
    old, new = _words(before), _words(after)
    parts = []
    for op, i1, i2, j1, j2 in SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append({"op": "same", "text": " ".join(old[i1:i2])})
            continue
        if i2 > i1:
            parts.append({"op": "removed", "text": " ".join(old[i1:i2])})
        if j2 > j1:
            parts.append({"op": "added", "text": " ".join(new[j1:j2])})
    return parts


NARRATIVE_COMPARED = [
    ("title", "Title"),
    *NARRATIVE_SECTIONS,
    ("other_appendices", "Other appendices"),
]


def narrative_compare(older: ReportVersion, newer: ReportVersion) -> list[dict]:
    """The written sections that changed between two versions, each as a word diff. The exempt
    (Part II) information is never compared here: it belongs to the confidential appendix."""
    changes = []
    for field, heading in NARRATIVE_COMPARED:
        before, after = older.content.get(field) or "", newer.content.get(field) or ""
        if _words(before) != _words(after):
            changes.append({"heading": heading, "words": word_diff(before, after)})
    return changes
