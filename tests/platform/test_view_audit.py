"""S11 by construction: every page that shows a personal-data record writes exactly one view
event for it, from the record's fetch path (somerset_safety/audit/reads.py).

The walk takes every URL pattern under the apps that hold personal data, fills its ids from
what each persona may see in the synthetic demo data, reads the page as that persona, and for
every personal-data record in the page's context counts the view events the request wrote
(matched by the request id the response carries). A new page is walked without being listed
here; the list below only makes sure the walk cannot pass by reaching nothing.
"""

import pytest
from django.forms import BaseForm
from django.test.utils import ContextList
from django.urls import reverse

from duties.models import SlaveryNotification
from duties.permissions import slavery_notifications_visible_to
from partnerships import permissions as marac
from partnerships.disruption import permissions as disruption
from partnerships.models import (
    Action,
    AgendaItem,
    ExploitedPerson,
    Location,
    Nominal,
    OrganisedCrimeGroup,
    PanelAction,
    PanelAgendaItem,
    Referral,
)
from reviews import permissions as dhr
from reviews.models import AgencyReportRequest, Notification
from somerset_safety.accounts.management.commands.load_demo_data import Command as DemoCommand
from somerset_safety.audit.models import AuditAction, AuditEvent
from somerset_safety.audit.reads import audited_read, record_view
from somerset_safety.core import demo

from ..conftest import verified_client
from .test_url_walk import _PARAM, _walk

# The records that are about people: a page showing one of these is a view of personal data.
PERSONAL_RECORDS = (
    Notification,
    AgencyReportRequest,
    Referral,
    AgendaItem,
    Action,
    OrganisedCrimeGroup,
    PanelAgendaItem,
    PanelAction,
    Nominal,
    Location,
    ExploitedPerson,
    SlaveryNotification,
)
WALKED_PREFIXES = ("reviews/", "partnerships/marac/", "partnerships/disruption/", "duties/modern-slavery/")

# Worked out by hand from the demo data: pages that must be reached with a record on them by at
# least one persona, so that the walk cannot pass by reaching nothing. The MARAC victim's and
# perpetrator's restricted details and the modern slavery edit page wrote no view event before.
MUST_BE_WALKED = {
    "reviews:detail",
    "reviews:edit",
    "reviews:request",
    "reviews:team",
    "partnerships:referral_detail",
    "partnerships:referral_handling",
    "partnerships:referral_withdraw",
    "partnerships:person_edit",
    "partnerships:agenda_item",
    "partnerships:action_detail",
    "partnerships:action_complete",
    "partnerships:ocg_detail",
    "partnerships:ocg_edit",
    "partnerships:ocg_person_edit",
    "partnerships:panel_item",
    "partnerships:panel_action",
    "duties:slavery_detail",
    "duties:slavery_edit",
}
PERSONAS = ("officer", "coordinator", "police_rep", "housing_rep", "panel", "chair", "lead", "auditor")


def _first(queryset):
    return queryset.order_by("pk").first()


def _review_ids(user, params):
    for notification in dhr.notifications_visible_to(user).exclude(review=None).order_by("pk"):
        review = notification.review
        recommendation = _first(review.recommendations.all())
        found = {
            "pk": notification,
            "request_pk": _first(dhr.requests_visible_to(user, notification)),
            "member_pk": _first(review.panel_members.all()),
            "pause_pk": _first(review.pauses.all()),
            "document_pk": _first(dhr.documents_visible_to(user, notification)),
            "rec_pk": recommendation,
            "action_pk": _first(recommendation.actions.all()) if recommendation else None,
        }
        if all(found.get(p) is not None for p in params):
            return {p: found[p].pk for p in params}
    return None


def _marac_ids(route, user, params):
    if route.startswith("partnerships/marac/referrals/"):
        for referral in marac.referrals_visible_to(user).exclude(perpetrator=None).order_by("pk"):
            return {"pk": referral.pk, "role": "victim"} if "role" in params else {"pk": referral.pk}
        return None
    if route.startswith("partnerships/marac/agenda-items/"):
        meetings = marac.meetings_visible_to(user)
        item = _first(AgendaItem.objects.filter(meeting__in=meetings).exclude(subject_id=None))
        return {"pk": item.pk} if item else None
    if route.startswith("partnerships/marac/actions/"):
        action = _first(marac.actions_visible_to(user).exclude(subject_id=None))
        return {"pk": action.pk} if action else None
    return None


def _disruption_ids(route, user, params):
    if route.startswith("partnerships/disruption/items/"):
        meetings = disruption.panel_meetings_visible_to(user)
        item = _first(PanelAgendaItem.objects.filter(meeting__in=meetings).exclude(subject_id=None))
        return {"pk": item.pk} if item else None
    if route.startswith("partnerships/disruption/actions/"):
        action = _first(disruption.panel_actions_visible_to(user).exclude(subject_id=None))
        return {"pk": action.pk} if action else None
    if not route.startswith("partnerships/disruption/groups/"):
        return None
    for group in disruption.groups_visible_to(user).order_by("pk"):
        ids = {"pk": group.pk}
        if "kind" in params:
            for kind, model in (("members", Nominal), ("places", Location), ("exploited", ExploitedPerson)):
                person = _first(model.objects.filter(group=group))
                if person is not None:
                    ids.update(kind=kind, item=person.pk)
                    break
        ids = {param: value for param, value in ids.items() if param in params}
        if set(params) <= set(ids):
            return ids
    return None


def _slavery_ids(user, params):
    record = _first(slavery_notifications_visible_to(user))
    return {"pk": record.pk} if record and params == ["pk"] else None


def _ids(route, user):
    params = [name for _, name in _PARAM.findall(route)]
    if not params:
        return None
    if route.startswith("reviews/"):
        return _review_ids(user, params)
    if route.startswith("partnerships/marac/"):
        return _marac_ids(route, user, params)
    if route.startswith("partnerships/disruption/"):
        return _disruption_ids(route, user, params)
    return _slavery_ids(user, params)


def _records_on(response):
    """The personal-data records the view gave its page template, by (object type, id). The first
    context is the page's own; later ones are included templates, whose loop rows are lists."""
    contexts = response.context
    if contexts is None:
        return set()
    context = contexts[0] if isinstance(contexts, ContextList) else contexts
    values = list(context.flatten().values())
    # A form bound to a record shows it too (a change page given only its form).
    values += [getattr(value, "instance", None) for value in values if isinstance(value, BaseForm)]
    return {
        (value._meta.label_lower, str(value.pk))
        for value in values
        if isinstance(value, PERSONAL_RECORDS) and value.pk is not None
    }


@pytest.fixture
def demo_world(db):
    command = DemoCommand()
    users = command._personas()
    for _name, loader in demo.loaders():
        loader(users)
    return users


def test_every_page_showing_a_personal_record_writes_one_view_event(demo_world):
    routes = [(name, route) for name, route in _walk() if route.startswith(WALKED_PREFIXES)]
    walked, problems = set(), []
    for persona in PERSONAS:
        user = demo_world[persona]
        client = verified_client(user)
        for name, route in routes:
            ids = _ids(route, user)
            if ids is None:
                continue
            response = client.get(reverse(name, kwargs=ids))
            if response.status_code != 200:
                continue
            shown = _records_on(response)
            if not shown:
                continue
            walked.add(name)
            events = list(
                AuditEvent.objects.filter(
                    request_id=response["X-Request-ID"], action=AuditAction.VIEW
                ).values_list("object_type", "object_id", "actor_id")
            )
            for record in shown:
                count = sum(1 for t, i, actor in events if (t, i) == record and actor == user.pk)
                if count != 1:
                    problems.append(f"{persona} {name} {record}: {count} view events")
            if len(events) != len(set(events)):
                problems.append(f"{persona} {name}: the same record audited twice in one request")
    assert not problems, "\n".join(problems)
    assert MUST_BE_WALKED <= walked, sorted(MUST_BE_WALKED - walked)


@pytest.mark.django_db
def test_the_marac_victims_details_page_is_audited_on_the_case_with_restricted_fields(coordinator):
    from tests.partnerships.factories import ReferralFactory

    referral = ReferralFactory()
    response = verified_client(coordinator).get(
        reverse("partnerships:person_edit", kwargs={"pk": referral.pk, "role": "victim"})
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.VIEW, request_id=response["X-Request-ID"])
    assert (event.object_type, event.object_id) == ("partnerships.referral", str(referral.pk))
    assert event.detail == {"page": "partnerships:person_edit", "restricted_fields": True}


@pytest.mark.django_db
def test_saving_a_record_writes_no_view_event_only_its_change(coordinator):
    from tests.partnerships.factories import ReferralFactory

    referral = ReferralFactory()
    response = verified_client(coordinator).post(
        reverse("partnerships:person_edit", kwargs={"pk": referral.pk, "role": "victim"}),
        {"full_name": "Vera Changed (synthetic)", "address": "1 New Street"},
    )
    assert response.status_code == 302
    actions = list(
        AuditEvent.objects.filter(request_id=response["X-Request-ID"]).values_list("action", flat=True)
    )
    assert AuditAction.VIEW not in actions
    assert AuditAction.CHANGE in actions


@pytest.mark.django_db
def test_a_fetch_outside_a_request_writes_nothing(officer):
    @audited_read()
    def fetch(user, pk):
        return user

    assert fetch(officer, officer.pk) == officer
    assert record_view(officer, officer) is None
    assert not AuditEvent.objects.exists()
