"""The "papers are ready" email. It names no one and nothing from the papers: it says that
papers for a meeting the person's agency is invited to are ready, with a link to sign in (S14)."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .models import Meeting, Papers, PapersNotice
from .registry import kind_of

SUBJECT = "Safer Somerset: meeting papers are ready"


def _body(papers: str, url: str) -> str:
    what = "the agenda" if papers == Papers.AGENDA else "the minutes"
    return (
        f"Papers for a meeting your agency is invited to are ready ({what}).\n\n"
        f"Sign in to read them:\n{settings.SITE_URL.rstrip('/')}{url}\n\n"
        "They are OFFICIAL-SENSITIVE. Do not forward this email outside your agency.\n"
    )


def papers_ready_send(*, meeting_id: int, papers: str) -> int:
    """Email everyone the meeting's app names. Each person is logged before sending and claimed by
    a conditional update, so running this twice sends nothing more. Returns how many were sent."""
    meeting = Meeting.objects.select_related("body").filter(pk=meeting_id).first()
    if meeting is None:
        return 0
    kind = kind_of(meeting)
    meeting.__class__ = kind.meeting_model
    if kind.paper_recipients is None:
        return 0
    for user_id in kind.paper_recipients(meeting).values_list("pk", flat=True):
        try:
            with transaction.atomic():
                PapersNotice.objects.get_or_create(meeting_id=meeting_id, papers=papers, recipient_id=user_id)
        except IntegrityError:
            pass
    sent = 0
    pending = PapersNotice.objects.filter(meeting_id=meeting_id, papers=papers, sent_at__isnull=True)
    for notice in pending.select_related("recipient"):
        claimed = PapersNotice.objects.filter(Q(pk=notice.pk) & Q(sent_at__isnull=True)).update(
            sent_at=timezone.now()
        )
        if not claimed:
            continue
        try:
            send_mail(SUBJECT, _body(papers, meeting.get_absolute_url()), None, [notice.recipient.email])
        except OSError:
            PapersNotice.objects.filter(pk=notice.pk).update(sent_at=None)
            raise
        sent += 1
    return sent
