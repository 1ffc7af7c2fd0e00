import hashlib
import logging
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from somerset_safety.audit.models import AuditAction
from somerset_safety.audit.services import audit_record
from somerset_safety.core.queueing import enqueue
from somerset_safety.core.transitions import transition

from .exceptions import ReportError
from .models import (
    GENERATED_AFTER,
    NARRATIVE_FIELDS,
    NARRATIVE_SECTIONS,
    SIGN_OFF_ROLES,
    ExecutiveReport,
    ReportVersion,
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
EDITABLE_FIELDS = [*HEADER_FIELDS, *NARRATIVE_FIELDS, "other_appendices", "sign_off", "exempt_information"]
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
def report_update(*, actor, report: ExecutiveReport, data: dict) -> ExecutiveReport:
    """Change the draft. Generated versions are untouched: they keep what they were made from."""
    report = ExecutiveReport.objects.select_for_update().get(pk=report.pk)
    for field in EDITABLE_FIELDS:
        if field in data:
            setattr(report, field, data[field])
    _clean_period(report)
    before = ExecutiveReport.objects.get(pk=report.pk)
    changed = [f for f in EDITABLE_FIELDS if getattr(before, f) != getattr(report, f)]
    if changed:
        report.full_clean()
        report.save(update_fields=[*changed, "updated_at"])
        audit_record(actor=actor, action=AuditAction.CHANGE, obj=report, changed_fields=changed)
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
    A section with nothing in it is left out (and the numbering closes up)."""
    generated = [s for s in report_sections() if s.key in snapshot]
    blocks = []
    for field, heading in NARRATIVE_SECTIONS:
        paragraphs = _paragraphs(content.get(field, ""))
        if paragraphs:
            blocks.append(_block(heading, paragraphs=paragraphs))
        if field == GENERATED_AFTER:
            blocks += [
                _block(s.title, template=s.template, data=snapshot[s.key])
                for s in generated
                if not s.appendix
            ]
    appendix_sections = [s for s in generated if s.appendix]
    appendix_names = [f"Appendix {n} — {s.title}" for n, s in enumerate(appendix_sections, start=1)]
    appendix_names += [
        f"Appendix {n} — {title}"
        for n, title in enumerate(
            (line.strip() for line in content.get("other_appendices", "").splitlines() if line.strip()),
            start=len(appendix_sections) + 1,
        )
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
            "data": snapshot[section.key],
            "number": f"A{n}",
            "appendix": True,
        }
        for n, section in enumerate(appendix_sections, start=1)
    ]
    return blocks + appendices


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
    """Draw the version's PDF (and confidential appendix) from its snapshot. Safe to run twice.

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
        return transition(version, "ready", machine=VERSION_MOVES, actor=None, values=values)


@transaction.atomic
def report_version_retry(*, actor, version: ReportVersion) -> ReportVersion:
    """Draw a failed version's PDF again from the same frozen snapshot.

    Raises ReportError unless the version failed.
    """
    version = transition(version, "retry", machine=VERSION_MOVES, actor=actor, detail={"retry": True})
    enqueue("reports.render_version", version.pk)
    return version


def flatten_figures(data, prefix: str = "") -> dict[str, object]:
    """{"marac": {"areas": [{"cases": 3}]}} → {"marac › areas › 1 › cases": 3}: for comparing versions."""
    flat: dict[str, object] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            flat.update(flatten_figures(value, f"{prefix} › {key}" if prefix else str(key)))
    elif isinstance(data, list):
        for index, value in enumerate(data, start=1):
            label = value.get("label") or value.get("name") if isinstance(value, dict) else None
            flat.update(flatten_figures(value, f"{prefix} › {label or index}"))
    else:
        flat[prefix] = data
    return flat


def versions_compare(older: ReportVersion, newer: ReportVersion) -> list[dict]:
    """The figures that differ between two versions, in a stable order."""
    before, after = flatten_figures(older.snapshot), flatten_figures(newer.snapshot)
    return [
        {"figure": key, "before": before.get(key), "after": after.get(key)}
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    ]
