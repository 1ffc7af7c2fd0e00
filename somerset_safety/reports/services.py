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

from .models import NARRATIVE_SECTIONS, ExecutiveReport, ReportVersion, VersionStatus
from .registry import report_sections

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
    "publication",
]
EDITABLE_FIELDS = HEADER_FIELDS + [field for field, _n, _h in NARRATIVE_SECTIONS] + ["exempt_information"]


class ReportError(Exception):
    """A refused report action; the message is safe to show."""


@transaction.atomic
def report_create(*, actor, data: dict) -> ExecutiveReport:
    """Create a report from cleaned form data (only the editable fields are read)."""
    report = ExecutiveReport(created_by=actor, **{f: data[f] for f in EDITABLE_FIELDS if f in data})
    report.full_clean()
    report.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=report)
    return report


@transaction.atomic
def report_update(*, actor, report: ExecutiveReport, data: dict) -> ExecutiveReport:
    """Change the draft. Generated versions are untouched: they keep what they were made from."""
    report = ExecutiveReport.objects.select_for_update().get(pk=report.pk)
    changed = [f for f in EDITABLE_FIELDS if f in data and getattr(report, f) != data[f]]
    for field in changed:
        setattr(report, field, data[field])
    if changed:
        report.full_clean()
        report.save(update_fields=[*changed, "updated_at"])
        audit_record(actor=actor, action=AuditAction.CHANGE, obj=report, changed_fields=changed)
    return report


def live_snapshot(as_of: date) -> dict:
    """Every generated section's figures as they stand on `as_of` (aggregate, no personal data)."""
    return {section.key: section.build(as_of) for section in report_sections()}


def report_content(report: ExecutiveReport) -> dict:
    content = {f: getattr(report, f) for f in EDITABLE_FIELDS}
    content["meeting_date"] = report.meeting_date.isoformat()
    return content


@transaction.atomic
def report_version_generate(*, actor, report: ExecutiveReport) -> ReportVersion:
    """Freeze today's figures and the current text as a new version and queue its PDF.

    The snapshot is taken now, in this transaction; the PDF is drawn from the snapshot, so
    it shows exactly these figures whenever the worker gets to it.
    """
    report = ExecutiveReport.objects.select_for_update().get(pk=report.pk)
    number = (report.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ReportVersion.objects.create(
        report=report,
        number=number,
        snapshot=live_snapshot(timezone.localdate()),
        content=report_content(report),
        generated_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=version, detail={"report": report.pk})
    enqueue("reports.render_version", version.pk)
    return version


def document_outline(content: dict, snapshot: dict) -> list[dict]:
    """The paper's numbered sections: narrative and generated, in the council's order."""
    generated = {s.key: s for s in report_sections()}
    blocks = []
    for field, _number, heading in NARRATIVE_SECTIONS:
        blocks.append({"heading": heading, "paragraphs": _paragraphs(content.get(field, ""))})
        if field == "background_policy":
            for section in generated.values():
                if not section.appendix and section.key in snapshot:
                    blocks.append(
                        {
                            "heading": section.title,
                            "template": section.template,
                            "data": snapshot[section.key],
                        }
                    )
    for number, block in enumerate(blocks, start=1):
        block["number"] = number
        block["label"] = f"{number}. {block['heading']}"
        block["numbered"] = [
            (f"{number}.{i}", text) for i, text in enumerate(block.get("paragraphs", []), start=1)
        ]
    appendices = [
        {
            "heading": section.title,
            "label": f"Appendix {n} — {section.title}",
            "template": section.template,
            "data": snapshot[section.key],
            "number": f"A{n}",
        }
        for n, section in enumerate(
            (s for s in generated.values() if s.appendix and s.key in snapshot), start=1
        )
    ]
    return blocks + appendices


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def _version_failed(version_id: int, message: str) -> None:
    ReportVersion.objects.filter(pk=version_id).exclude(status=VersionStatus.READY).update(
        status=VersionStatus.FAILED, error=message[: ReportVersion._meta.get_field("error").max_length]
    )


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
        version.pdf_sha256 = hashlib.sha256(public_pdf).hexdigest()
        fields = ["pdf", "pdf_sha256", "status", "error"]
        if confidential_pdf is not None:
            version.confidential_pdf.save(
                f"{stem}-confidential.pdf", ContentFile(confidential_pdf), save=False
            )
            version.confidential_sha256 = hashlib.sha256(confidential_pdf).hexdigest()
            fields += ["confidential_pdf", "confidential_sha256"]
        version.status = VersionStatus.READY
        version.error = ""
        version.save(update_fields=fields)
    return version


@transaction.atomic
def report_version_retry(*, actor, version: ReportVersion) -> ReportVersion:
    """Draw a failed version's PDF again from the same frozen snapshot.

    Raises ReportError unless the version failed.
    """
    version = ReportVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != VersionStatus.FAILED:
        raise ReportError("Only a version whose PDF could not be made can be tried again.")
    version.status = VersionStatus.QUEUED
    version.save(update_fields=["status"])
    audit_record(
        actor=actor, action=AuditAction.CHANGE, obj=version, changed_fields=["status"], detail={"retry": True}
    )
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
