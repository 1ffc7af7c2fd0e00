"""Issue 14 point 5: a notification with the same date of death and the same victim's name (as
the platform compares names) as one already recorded is warned about before anything is saved;
the form lists the notification already recorded and asks the officer to confirm this is a
different death, keeping everything typed."""

import re
from datetime import date

import pytest
from django.urls import reverse

from reviews import services
from reviews.exceptions import PossibleDuplicate
from reviews.models import Notification
from reviews.selectors import possible_duplicates
from somerset_safety.audit.models import AuditAction, AuditEvent

from .factories import make_notification, notification_data
from .test_views import _date, _notification_post

pytestmark = pytest.mark.django_db

DEATH = date(2026, 1, 20)


def test_same_date_and_name_compared_as_the_platform_compares_names(officer):
    first = make_notification(officer, victim_name="Zoë O'Brien-Smith", date_of_death=DEATH)
    assert possible_duplicates(date_of_death=DEATH, victim_name="  zoe  obrien smith ") == [first]
    # Another day, or another name, is another death.
    assert possible_duplicates(date_of_death=date(2026, 1, 21), victim_name="Zoe OBrien Smith") == []
    assert possible_duplicates(date_of_death=DEATH, victim_name="Zoe Brien Smith") == []
    assert possible_duplicates(date_of_death=DEATH, victim_name="Zoe OBrien Smith", exclude_pk=first.pk) == []


def test_nothing_is_saved_until_the_officer_confirms_a_different_death(officer):
    first = make_notification(officer, victim_name="Zoë O'Brien", date_of_death=DEATH)
    with pytest.raises(PossibleDuplicate) as refused:
        services.notification_create(
            actor=officer, **notification_data(victim_name="Zoe OBrien", date_of_death=DEATH)
        )
    assert str(refused.value) == (
        f"{first.reference} already records a death on the same date with the same victim's name. "
        "Check it is not the same death, then confirm this is a different death"
    )
    assert refused.value.field == "different_death_confirmed"
    assert Notification.objects.count() == 1
    second = services.notification_create(
        actor=officer,
        different_death_confirmed=True,
        **notification_data(victim_name="Zoe OBrien", date_of_death=DEATH),
    )
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(second.pk))
    assert event.detail["confirmed_different_from"] == [first.pk]


def test_two_already_recorded_are_both_named(officer):
    a = make_notification(officer, victim_name="Sam Jones", date_of_death=DEATH)
    b = services.notification_create(
        actor=officer,
        different_death_confirmed=True,
        **notification_data(victim_name="Sam Jones", date_of_death=DEATH),
    )
    with pytest.raises(PossibleDuplicate, match=f"^{a.reference}, {b.reference} already record a death"):
        services.notification_create(
            actor=officer, **notification_data(victim_name="SAM JONES", date_of_death=DEATH)
        )


def test_the_form_warns_lists_and_keeps_what_was_typed_then_saves_once_confirmed(as_user, officer):
    first = make_notification(officer, victim_name="Zoë O'Brien", date_of_death=DEATH)
    client = as_user(officer)
    blank = client.get(reverse("reviews:create")).content.decode()
    assert "This is a different death" not in blank
    typed = _notification_post(victim_name="zoe obrien", verdict="Typed verdict (synthetic)")
    response = client.post(reverse("reviews:create"), typed)
    body = response.content.decode()
    assert response.status_code == 200
    assert Notification.objects.count() == 1
    assert "There is a problem" in body
    assert "This death may already have been notified. Nothing has been saved yet." in body
    assert f'href="{first.get_absolute_url()}"' in body
    assert "notified 31 January 2026 by" in body
    assert "This is a different death" in body
    assert 'href="#id_different_death_confirmed"' in body
    assert 'value="zoe obrien"' in body and 'value="Typed verdict (synthetic)"' in body
    response = client.post(reverse("reviews:create"), {**typed, "different_death_confirmed": "on"})
    assert response.status_code == 302
    assert Notification.objects.count() == 2


def test_a_confirmed_box_stays_ticked_when_another_field_is_wrong(as_user, officer):
    make_notification(officer, victim_name="Zoe OBrien", date_of_death=DEATH)
    response = as_user(officer).post(
        reverse("reviews:create"),
        _notification_post(victim_name="Zoe OBrien", area="", different_death_confirmed="on"),
    )
    body = response.content.decode()
    assert "Select the area" in body
    assert "This death may already have been notified" in body
    checkbox = re.search(r'<input[^>]*name="different_death_confirmed"[^>]*>', body).group(0)
    assert "checked" in checkbox
    assert Notification.objects.count() == 1


def test_an_edit_that_makes_a_duplicate_is_warned_but_other_edits_are_not(as_user, officer):
    first = make_notification(officer, victim_name="Sam Jones", date_of_death=DEATH)
    other = make_notification(officer, victim_name="Sam Jones", date_of_death=date(2026, 1, 19))
    client = as_user(officer)
    url = reverse("reviews:edit", args=[other.pk])
    version = client.get(url).context["form"]["expected_version"].value()
    post = _notification_post(victim_name="Sam Jones", expected_version=version)
    response = client.post(url, post)
    assert first.reference in response.content.decode()
    other.refresh_from_db()
    assert other.date_of_death == date(2026, 1, 19)
    assert client.post(url, {**post, "different_death_confirmed": "on"}).status_code == 302
    other.refresh_from_db()
    assert other.date_of_death == DEATH
    # Now both are of 20 January: changing something else asks nothing more.
    version = client.get(url).context["form"]["expected_version"].value()
    changed = {
        **post,
        "expected_version": version,
        "verdict": "Guilty (synthetic)",
        **_date("date_of_death", DEATH),
    }
    assert client.post(url, changed).status_code == 302
