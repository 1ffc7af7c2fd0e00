"""Reminders: the sweep that logs them, the hand-over, and sending (S14, S20, S21).

1. **Log.** The sweep walks the open deadlines in batches by id, reading plain values, works
   out each one's reminder step for today (`rules`), and writes the send-log rows of a batch
   with one `INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING`, committed on its own. The
   unique key (deadline, recipient, step) means a repeated, concurrent or restarted sweep
   never logs a reminder twice, and a sweep killed half-way loses only the batch it was on.
2. **Hand over.** Every sweep, and the retry job, hands over every pending row whose
   deadline is still open — whoever logged it — one task per person; releases rows claimed by
   a sender that died (after `REMINDER_CLAIM_TIMEOUT_SECONDS`); and cancels rows whose
   deadline was met, waived, paused or closed since.
3. **Send.** A sender claims a person's pending rows (pending → sending, with a token), sends
   one email listing them all, and marks them sent. A row is sent only by the process that
   claimed it; if the sender dies the row is released after the time-out and sent once. After
   `REMINDER_MAX_ATTEMPTS` it is marked failed and shown on the team page and the health check.
"""

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone

from somerset_safety.accounts.models import Agency, User
from somerset_safety.accounts.roles import Role
from somerset_safety.core.dates import is_working_day
from somerset_safety.core.dates import today as local_today

from . import rules
from .models import Deadline, DeadlineStatus, ReminderChannel, ReminderSend, ReminderStatus
from .registry import kind_names

logger = logging.getLogger(__name__)

GENERIC_SUBJECT = "Safer Somerset: you have items due"
ESCALATION = "escalation"


def max_attempts() -> int:
    return getattr(settings, "REMINDER_MAX_ATTEMPTS", 5)


def claim_timeout() -> timedelta:
    return timedelta(seconds=getattr(settings, "REMINDER_CLAIM_TIMEOUT_SECONDS", 900))


def batch_size() -> int:
    return max(1, getattr(settings, "REMINDER_SWEEP_BATCH_SIZE", 2000))


@dataclass(frozen=True)
class SweepResult:
    reminders_logged: int
    recipient_ids: list[int]  # people with immediate reminders waiting, handed over for sending


# --- 1. Logging ---------------------------------------------------------------------------------

# Who a reminder goes to, worked out per deadline in Python and fanned out per person in SQL:
# its named people if any is active; else its agency's representatives; else the community
# safety team. An escalation goes to the team and the agency's lead.
_TO_PEOPLE, _TO_AGENCY, _TO_TEAM = "people", "agency", "team"

_INSERT = """
WITH v AS ({values}),
team AS (
    SELECT u.id FROM {user} u
    JOIN {agency} a ON a.id = u.agency_id AND a.is_council_team
    JOIN {user_groups} g ON g.user_id = u.id AND g.group_id = %(officer_group)s
),
targets AS (
    SELECT v.deadline_id, r.user_id, v.step FROM v
    JOIN {responsible} r ON r.deadline_id = v.deadline_id
    WHERE v.audience = 'people'
    UNION
    SELECT v.deadline_id, u.id, v.step FROM v
    JOIN {user} u ON u.agency_id = v.agency_id
    JOIN {user_groups} g ON g.user_id = u.id AND g.group_id = %(rep_group)s
    WHERE v.audience = 'agency'
    UNION
    SELECT v.deadline_id, team.id, v.step FROM v CROSS JOIN team
    WHERE v.audience = 'team' OR v.audience = 'escalation'
    UNION
    SELECT v.deadline_id, a.lead_id, v.step FROM v
    JOIN {agency} a ON a.id = v.agency_id
    WHERE v.audience = 'escalation' AND a.lead_id IS NOT NULL
)
INSERT INTO {reminder} (deadline_id, recipient_id, step, escalation, channel, status, attempts,
                        last_error, created_at, claim_token)
SELECT t.deadline_id, u.id, t.step, t.step = 'escalation',
       CASE WHEN t.step = 'escalation' OR u.reminder_preference = 'immediate'
            THEN 'immediate' ELSE 'digest' END,
       'pending', 0, '', %(now)s, ''
FROM targets t JOIN {user} u ON u.id = t.user_id AND u.is_active
WHERE true
ON CONFLICT (deadline_id, recipient_id, step) DO NOTHING
RETURNING recipient_id, channel
"""

# The batch travels as one JSON parameter (no limit on parameters, no literal types to guess).
_VALUES = {
    "postgresql": "SELECT * FROM jsonb_to_recordset(%(batch)s::jsonb) "
    "AS x(deadline_id bigint, agency_id bigint, step text, audience text)",
    "sqlite": "SELECT json_extract(value, '$.deadline_id') AS deadline_id, "
    "json_extract(value, '$.agency_id') AS agency_id, json_extract(value, '$.step') AS step, "
    "json_extract(value, '$.audience') AS audience FROM json_each(%(batch)s)",
}


def _insert_sql() -> str:
    through = Deadline.responsible_users.through._meta
    return _INSERT.format(
        values=_VALUES[connection.vendor],
        user=connection.ops.quote_name(User._meta.db_table),
        agency=connection.ops.quote_name(Agency._meta.db_table),
        user_groups=connection.ops.quote_name(User.groups.through._meta.db_table),
        responsible=connection.ops.quote_name(through.db_table),
        reminder=connection.ops.quote_name(ReminderSend._meta.db_table),
    )


def _batch_rows(batch, today: date, agencies_with_reps: set[int]) -> list[dict]:
    rows = []
    for deadline_id, due, agency_id, has_people in batch:
        step = rules.current_step(due, today)
        if step is not None:
            if has_people:
                audience = _TO_PEOPLE
            elif agency_id in agencies_with_reps:
                audience = _TO_AGENCY
            else:
                audience = _TO_TEAM
            rows.append(
                {"deadline_id": deadline_id, "agency_id": agency_id, "step": step, "audience": audience}
            )
        if rules.escalation_due(due, today):
            rows.append(
                {
                    "deadline_id": deadline_id,
                    "agency_id": agency_id,
                    "step": ESCALATION,
                    "audience": ESCALATION,
                }
            )
    return rows


def log_due_reminders(today: date) -> tuple[int, set[int]]:
    """Write today's send-log rows, batch by batch. Returns how many were new and who has new
    immediate ones. Two queries a batch whatever its size; memory stays flat."""
    horizon = today + timedelta(days=max(rules.reminder_offsets(), default=0))
    groups = dict(
        Group.objects.filter(name__in=[Role.OFFICER.label, Role.AGENCY_REP.label]).values_list("name", "pk")
    )
    agencies_with_reps = set(
        User.objects.filter(
            is_active=True, agency__isnull=False, groups__pk=groups.get(Role.AGENCY_REP.label)
        )
        .values_list("agency_id", flat=True)
        .distinct()
    )
    people = Deadline.responsible_users.through.objects.filter(
        deadline_id=OuterRef("pk"), user__is_active=True
    )
    in_scope = (
        Deadline.objects.filter(status=DeadlineStatus.OPEN, due_date__lte=horizon)
        .annotate(has_people=Exists(people))
        .order_by("pk")
    )
    sql = _insert_sql()
    params = {
        "officer_group": groups.get(Role.OFFICER.label),
        "rep_group": groups.get(Role.AGENCY_REP.label),
    }
    logged, immediate = 0, set()
    last_id = 0
    size = batch_size()
    while True:
        batch = list(
            in_scope.filter(pk__gt=last_id).values_list(
                "pk", "due_date", "responsible_agency_id", "has_people"
            )[:size]
        )
        if not batch:
            break
        last_id = batch[-1][0]
        rows = _batch_rows(batch, today, agencies_with_reps)
        if rows:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, {**params, "batch": json.dumps(rows), "now": timezone.now()})
                for recipient_id, channel in cursor.fetchall():
                    logged += 1
                    if channel == ReminderChannel.IMMEDIATE:
                        immediate.add(recipient_id)
        if len(batch) < size:
            break
    return logged, immediate


# --- 2. Hand-over -------------------------------------------------------------------------------


def cancel_no_longer_due() -> int:
    """Rows still waiting whose deadline is no longer open (met, waived, paused, closed since it
    was logged): never sent."""
    return ReminderSend.objects.filter(status=ReminderStatus.PENDING, deadline_id__in=_not_open()).update(
        status=ReminderStatus.CANCELLED, claim_token=""
    )


def _not_open():
    """The deadlines no longer open, as a subquery for an UPDATE of their reminders. Written as
    `deadline_id IN (…)`, not through the join Django turns into `id IN (the same table joined)`:
    with the reminder table just filled and not yet analysed, PostgreSQL planned that self-join
    as a nested loop over every pair of rows (249,000 rows: a quarter of an hour)."""
    return Deadline.objects.exclude(status=DeadlineStatus.OPEN).values("pk")


def release_stale_claims() -> int:
    """Rows a sender claimed but never confirmed (it died): waiting again, or failed once they
    have had every attempt."""
    stale = ReminderSend.objects.filter(
        status=ReminderStatus.SENDING, claimed_at__lt=timezone.now() - claim_timeout()
    )
    failed = stale.filter(attempts__gte=max_attempts()).update(
        status=ReminderStatus.FAILED,
        claim_token="",
        last_error="The sender stopped before confirming it was sent",
    )
    released = stale.update(status=ReminderStatus.PENDING, claim_token="")
    if failed:
        logger.error("%s reminders failed: their sender stopped before confirming, every attempt", failed)
    return failed + released


def waiting_recipients() -> list[int]:
    """People with immediate reminders waiting to be sent, whose deadlines are still open."""
    return list(
        ReminderSend.objects.filter(
            channel=ReminderChannel.IMMEDIATE,
            status=ReminderStatus.PENDING,
            deadline__status=DeadlineStatus.OPEN,
        )
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )


def hand_over() -> list[int]:
    """Tidy the send log and return everyone to hand to a sender (the sweep and the retry job)."""
    cancel_no_longer_due()
    release_stale_claims()
    return waiting_recipients()


def reminder_sweep(*, today: date | None = None) -> SweepResult:
    """Log every reminder and escalation due today, then hand over everything waiting.

    Idempotent: running it again the same day logs nothing new and hands over only what is
    still waiting (for instance after a sender died)."""
    today = today or local_today()
    logged, _new = log_due_reminders(today)
    return SweepResult(logged, hand_over())


# --- 3. Sending ---------------------------------------------------------------------------------


def _claim(recipient_id: int, channel: str) -> tuple[str, list[ReminderSend]]:
    """Take a person's waiting rows on `channel` for sending. Rows another sender holds are
    not taken; rows whose deadline is no longer open are cancelled, not sent."""
    waiting = ReminderSend.objects.filter(
        recipient_id=recipient_id, channel=channel, status=ReminderStatus.PENDING
    )
    waiting.filter(deadline_id__in=_not_open()).update(status=ReminderStatus.CANCELLED)
    token = uuid.uuid4().hex
    ids = list(waiting.values_list("pk", flat=True))
    if not ids:
        return token, []
    with transaction.atomic():
        ReminderSend.objects.filter(pk__in=ids, status=ReminderStatus.PENDING).update(
            status=ReminderStatus.SENDING,
            claim_token=token,
            claimed_at=timezone.now(),
            attempts=F("attempts") + 1,
        )
    rows = list(
        ReminderSend.objects.filter(claim_token=token, status=ReminderStatus.SENDING)
        .select_related("deadline", "recipient")
        .order_by("deadline__due_date", "deadline_id", "step")
    )
    return token, rows


def _site_url() -> str:
    return settings.SITE_URL.rstrip("/")


def email_items(rows: list[ReminderSend], today: date) -> list[dict]:
    """One line per deadline (a digest may hold two steps of one deadline), overdue first.
    Anything past its due date is labelled overdue, whichever step logged it."""
    names = kind_names()
    by_deadline: dict[int, dict] = {}
    for row in rows:
        d = row.deadline
        item = by_deadline.setdefault(
            d.pk,
            {
                "kind": names.get(d.kind, d.kind),
                "reference": d.subject_reference,
                "due": d.due_date,
                "overdue": d.due_date < today,
                "escalation": False,
                "url": _site_url() + d.subject_url,
            },
        )
        item["escalation"] = item["escalation"] or row.escalation
    return sorted(by_deadline.values(), key=lambda i: (not i["escalation"], not i["overdue"], i["due"]))


def _email_body(rows: list[ReminderSend], today: date) -> str:
    return render_to_string(
        "deadlines/email/reminders.txt", {"items": email_items(rows, today), "site_url": _site_url()}
    )


def _finish(token: str, *, sent: bool, error: str = "") -> None:
    mine = ReminderSend.objects.filter(claim_token=token, status=ReminderStatus.SENDING)
    if sent:
        mine.update(status=ReminderStatus.SENT, sent_at=timezone.now(), last_error="", claim_token="")
        return
    error = error[:200]
    failed = mine.filter(attempts__gte=max_attempts()).update(
        status=ReminderStatus.FAILED, last_error=error, claim_token=""
    )
    mine.update(status=ReminderStatus.PENDING, last_error=error, claim_token="")
    if failed:
        logger.error("%s reminders failed %s times and will not be retried", failed, max_attempts())


def _deliver(recipient_id: int, channel: str, today: date) -> int:
    """Claim, send one email, confirm. Returns how many reminders it carried (0: nothing to send).
    Raises OSError (after putting the rows back) when the mail server refuses."""
    token, rows = _claim(recipient_id, channel)
    if not rows:
        return 0
    try:
        send_mail(GENERIC_SUBJECT, _email_body(rows, today), None, [rows[0].recipient.email])
    except OSError as exc:
        logger.warning("Reminder email failed (%s); will retry", type(exc).__name__)
        _finish(token, sent=False, error=type(exc).__name__)
        raise
    _finish(token, sent=True)
    return len(rows)


def reminders_send(*, recipient_id: int, today: date | None = None) -> int:
    """Send one person every immediate reminder waiting for them, in one email."""
    return _deliver(recipient_id, ReminderChannel.IMMEDIATE, today or local_today())


def digest_send(*, today: date | None = None, force: bool = False) -> int:
    """One email per person listing their waiting digest reminders. Working days only unless
    `force`. Returns how many digests were sent."""
    today = today or local_today()
    if not force and not is_working_day(today):
        return 0
    release_stale_claims()
    recipient_ids = (
        ReminderSend.objects.filter(channel=ReminderChannel.DIGEST, status=ReminderStatus.PENDING)
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    sent = 0
    for recipient_id in list(recipient_ids):
        try:
            sent += bool(_deliver(recipient_id, ReminderChannel.DIGEST, today))
        except OSError:
            continue
    return sent


def failed_reminders():
    """Reminders given up on after every attempt: shown to officers on the team page and
    counted by the health check, so a person makes sure the recipient knows."""
    return ReminderSend.objects.filter(status=ReminderStatus.FAILED).select_related("deadline", "recipient")


def problems_summary() -> dict:
    """For the health check: failed reminders, and claims older than the time-out."""
    return {
        "failed": ReminderSend.objects.filter(status=ReminderStatus.FAILED).count(),
        "stuck": ReminderSend.objects.filter(
            Q(status=ReminderStatus.SENDING, claimed_at__lt=timezone.now() - claim_timeout())
        ).count(),
    }
