"""Reminder sweep and sending (issue 6; S14, S20, S21).

The sweep writes send-log rows first (unique per deadline, recipient and step) and only
then sends, claiming each row with a conditional update. Running the sweep twice, in two
processes at once, or after a worker died mid-way never sends the same reminder twice.
"""

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from somerset_safety.accounts.models import ReminderPreference, User
from somerset_safety.accounts.roles import Role
from somerset_safety.core.dates import is_working_day

from . import rules
from .models import Deadline, DeadlineStatus, ReminderChannel, ReminderSend, ReminderStatus
from .registry import kind_names

logger = logging.getLogger(__name__)

GENERIC_SUBJECT = "Safer Somerset: you have items due"
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class SweepResult:
    reminders_logged: int
    immediate_ids: list[int]


def _team_members() -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, agency__is_council_team=True, groups__name=Role.OFFICER.label
        ).distinct()
    )


def recipients_for(deadline: Deadline, agency_members: dict[int, list[User]], team: list[User]) -> list[User]:
    if deadline.responsible_user_id and deadline.responsible_user.is_active:
        return [deadline.responsible_user]
    if deadline.responsible_agency_id:
        members = agency_members.get(deadline.responsible_agency_id, [])
        if members:
            return members
    return team


def escalation_recipients(deadline: Deadline, team: list[User]) -> list[User]:
    people = list(team)
    lead = deadline.responsible_agency.lead if deadline.responsible_agency_id else None
    if lead is not None and lead.is_active and lead not in people:
        people.append(lead)
    return people


def reminder_sweep(*, today: date | None = None) -> SweepResult:
    """Log every reminder and escalation due today; queue immediate ones for sending.

    Idempotent: rows that already exist are left alone (unique constraint), so only new
    reminders are returned for sending.
    """
    today = today or timezone.localdate()
    horizon = today + timedelta(days=max(rules.reminder_offsets(), default=0))
    in_scope = Deadline.objects.filter(status=DeadlineStatus.OPEN, due_date__lte=horizon)
    deadlines = list(in_scope.select_related("responsible_user", "responsible_agency__lead"))
    agency_ids = {d.responsible_agency_id for d in deadlines if d.responsible_agency_id}
    agency_members: dict[int, list[User]] = {}
    for user in User.objects.filter(
        is_active=True, agency_id__in=agency_ids, groups__name=Role.AGENCY_REP.label
    ).distinct():
        agency_members.setdefault(user.agency_id, []).append(user)
    team = _team_members()

    wanted: list[ReminderSend] = []
    for deadline in deadlines:
        step = rules.current_step(deadline.due_date, today)
        if step is not None:
            for person in recipients_for(deadline, agency_members, team):
                wanted.append(_row(deadline, person, step, escalation=False))
        if rules.escalation_due(deadline.due_date, today):
            for person in escalation_recipients(deadline, team):
                wanted.append(_row(deadline, person, "escalation", escalation=True))
    if not wanted:
        return SweepResult(0, [])
    before = set(
        ReminderSend.objects.filter(deadline__in=[w.deadline for w in wanted]).values_list(
            "deadline_id", "recipient_id", "step"
        )
    )
    fresh = [w for w in wanted if (w.deadline_id, w.recipient_id, w.step) not in before]
    # ignore_conflicts: a sweep running at the same moment may have logged some of these.
    ReminderSend.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=2000)
    new_keys = {(w.deadline_id, w.recipient_id, w.step) for w in fresh}
    immediate = [
        pk
        for pk, d, r, s in ReminderSend.objects.filter(
            channel=ReminderChannel.IMMEDIATE,
            status=ReminderStatus.PENDING,
            deadline__in=[w.deadline for w in wanted],
        ).values_list("pk", "deadline_id", "recipient_id", "step")
        if (d, r, s) in new_keys
    ]
    return SweepResult(len(new_keys), immediate)


def _row(deadline: Deadline, person: User, step: str, *, escalation: bool) -> ReminderSend:
    immediate = person.reminder_preference == ReminderPreference.IMMEDIATE or escalation
    return ReminderSend(
        deadline=deadline,
        recipient=person,
        step=step,
        escalation=escalation,
        channel=ReminderChannel.IMMEDIATE if immediate else ReminderChannel.DIGEST,
    )


def _claim(ids: list[int]) -> list[ReminderSend]:
    """Take pending rows for sending; a row another process has taken is skipped."""
    claimed = []
    for pk in ids:
        with transaction.atomic():
            updated = ReminderSend.objects.filter(pk=pk, status=ReminderStatus.PENDING).update(
                status=ReminderStatus.SENDING
            )
        if updated:
            claimed.append(pk)
    return list(ReminderSend.objects.filter(pk__in=claimed).select_related("deadline", "recipient"))


def _email_body(recipient: User, rows: list[ReminderSend]) -> str:
    names = kind_names()
    items = [
        {
            "kind": names.get(r.deadline.kind, r.deadline.kind),
            "reference": r.deadline.subject_reference,
            "due": r.deadline.due_date,
            "overdue": r.step.startswith("overdue") or r.step == "escalation",
            "escalation": r.escalation,
            "url": settings.SITE_URL.rstrip("/") + r.deadline.subject_url,
        }
        for r in rows
    ]
    return render_to_string("deadlines/email/reminders.txt", {"items": items, "site_url": settings.SITE_URL})


def _finish(rows: list[ReminderSend], *, sent: bool, error: str = "") -> None:
    now = timezone.now()
    for row in rows:
        row.attempts += 1
        if sent:
            row.status, row.sent_at, row.last_error = ReminderStatus.SENT, now, ""
        else:
            row.status = ReminderStatus.FAILED if row.attempts >= MAX_ATTEMPTS else ReminderStatus.PENDING
            row.last_error = error[:200]
            if row.status == ReminderStatus.FAILED:
                logger.error("Reminder %s failed %s times and will not be retried", row.pk, row.attempts)
    ReminderSend.objects.bulk_update(rows, ["attempts", "status", "sent_at", "last_error"])


def reminder_send(*, reminder_id: int) -> bool:
    """Send one immediate reminder. Returns False if another process had it or it failed."""
    rows = _claim([reminder_id])
    if not rows:
        return False
    return _deliver(rows[0].recipient, rows)


def _deliver(recipient: User, rows: list[ReminderSend]) -> bool:
    try:
        send_mail(GENERIC_SUBJECT, _email_body(recipient, rows), None, [recipient.email])
    except OSError as exc:
        logger.warning("Reminder email failed (%s); will retry", type(exc).__name__)
        _finish(rows, sent=False, error=type(exc).__name__)
        raise
    _finish(rows, sent=True)
    return True


def digest_send(*, today: date | None = None, force: bool = False) -> int:
    """One email per person listing their waiting digest reminders. Working days only."""
    today = today or timezone.localdate()
    if not force and not is_working_day(today):
        return 0
    sent = 0
    recipient_ids = (
        ReminderSend.objects.filter(channel=ReminderChannel.DIGEST, status=ReminderStatus.PENDING)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    for recipient_id in list(recipient_ids):
        ids = list(
            ReminderSend.objects.filter(
                recipient_id=recipient_id, channel=ReminderChannel.DIGEST, status=ReminderStatus.PENDING
            ).values_list("pk", flat=True)
        )
        rows = _claim(ids)
        if rows:
            try:
                _deliver(rows[0].recipient, rows)
                sent += 1
            except OSError:
                continue
    return sent


def failed_reminders():
    """Reminders given up on after MAX_ATTEMPTS, and those whose sender died mid-send more than
    an hour ago (never sent twice, so a person must check): shown to officers on the team page."""
    stuck = Q(status=ReminderStatus.SENDING, created_at__lt=timezone.now() - timedelta(hours=1))
    return ReminderSend.objects.filter(Q(status=ReminderStatus.FAILED) | stuck).select_related("deadline")
