"""What a page shows for a meeting action's status (meetings/_action_state.html), and waiving its
deadline through the deadline pages, for the tests of every body's actions."""

from django.urls import reverse

from somerset_safety.deadlines.models import Deadline, DeadlineStatus

OPEN = 'govuk-tag--blue">Open<'
DUE_SOON = 'govuk-tag--yellow">Due soon<'
OVERDUE = 'govuk-tag--red">Overdue<'
WAIVED = 'govuk-tag--grey">Deadline waived<'
COMPLETED = 'govuk-tag--green">Completed<'
MET_LATE = 'govuk-tag--pink">Met late<'
ACTION_TAGS = (OPEN, DUE_SOON, OVERDUE, WAIVED, COMPLETED, MET_LATE)


def action_deadline(action) -> Deadline:
    return Deadline.objects.get(subject_type=action._meta.label_lower, subject_id=action.pk)


def shows(client, urls, tag):
    """Each page shows the action with `tag` and with no other action status."""
    for url in urls:
        page = client.get(url).content.decode()
        assert tag in page, (url, tag)
        others = [other for other in ACTION_TAGS if other != tag and other in page]
        assert not others, (url, others)


def waive(client, action, reason="Superseded by the safety plan (synthetic)."):
    response = client.post(reverse("deadlines:waive", args=[action_deadline(action).pk]), {"reason": reason})
    assert response.status_code == 302
    assert action_deadline(action).status == DeadlineStatus.WAIVED


def unwaive(client, action, reason="Waived in error (synthetic)."):
    response = client.post(
        reverse("deadlines:unwaive", args=[action_deadline(action).pk]), {"reason": reason}
    )
    assert response.status_code == 302
    assert action_deadline(action).status == DeadlineStatus.OPEN
