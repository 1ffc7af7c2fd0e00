"""Issue 19 point 1: the admin site shows no second-factor secret, sets no password, changes
accounts only through the audited accounts services, and deletes nothing that has history."""

import base64

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from somerset_safety.accounts.models import User
from somerset_safety.accounts.roles import Role
from somerset_safety.audit.models import AuditAction, AuditEvent
from tests.factories import UserFactory
from tests.partnerships.factories import MaracAreaFactory


@pytest.fixture
def superuser(council_team):
    return UserFactory(agency=council_team, roles=[Role.ADMIN], is_staff=True, is_superuser=True)


@pytest.fixture
def enrolled_officer(officer):
    """An officer with an authenticator and recovery codes, whose secrets must never show."""
    totp = TOTPDevice.objects.create(user=officer, name="Authenticator app", confirmed=True)
    static = StaticDevice.objects.create(user=officer, name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=static, token="kq7hx2mv9p")
    return officer, totp


def _form_data(response) -> dict:
    """What the admin's change form would post back unchanged."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple | set):
            data[name] = [str(getattr(v, "pk", v)) for v in value]
        elif value is not None:
            data[name] = str(getattr(value, "pk", value))
    data["_save"] = "Save"
    return data


def _admin_urls(obj_by_model) -> list[str]:
    urls = ["/admin/"]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        urls += [f"/admin/{info[0]}/", reverse("admin:{}_{}_changelist".format(*info))]
        if model_admin.has_add_permission(_request_as(obj_by_model["superuser"])):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
        obj = obj_by_model.get(model) or model._default_manager.first()
        if obj is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
            urls.append(reverse("admin:{}_{}_history".format(*info), args=[obj.pk]))
    return urls


def _request_as(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.mark.django_db
def test_no_admin_page_shows_a_second_factor_secret(superuser, enrolled_officer, as_user):
    officer, totp = enrolled_officer
    client = as_user(superuser)
    secrets = {
        totp.key,
        base64.b32encode(totp.bin_key).decode(),
        base64.b32encode(totp.bin_key).decode().rstrip("="),
        "kq7hx2mv9p",
        "otpauth://",
    }
    urls = _admin_urls({"superuser": superuser, User: officer})
    assert len(urls) > 40
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 302), (url, response.status_code)
        text = response.content.decode()
        for secret in secrets:
            assert secret not in text, f"{url} shows a second-factor secret"
    # django-otp's own device pages (the key, the QR code) do not exist at all.
    for url in ("/admin/otp_totp/totpdevice/", "/admin/otp_static/staticdevice/"):
        assert client.get(url).status_code == 404
    assert client.get(f"/admin/otp_totp/totpdevice/{totp.pk}/config/").status_code == 404


@pytest.mark.django_db
def test_the_admin_cannot_set_anyones_password(superuser, officer, as_user):
    client = as_user(superuser)
    assert client.get(f"/admin/accounts/user/{officer.pk}/password/").status_code in (302, 404)
    page = client.get(f"/admin/accounts/user/{officer.pk}/change/").content.decode()
    assert f"/{officer.pk}/password/" not in page and 'name="password' not in page
    # Administrators change their own password on the service's audited page.
    assert client.get("/admin/password_change/")["Location"] == "/account/password/"
    add_page = client.get("/admin/accounts/user/add/").content.decode()
    assert 'name="password1"' not in add_page and 'name="password"' not in add_page


@pytest.mark.django_db
def test_reset_second_factor_removes_the_devices_audits_and_tells_the_person(
    superuser, enrolled_officer, as_user, django_capture_on_commit_callbacks
):
    officer, _ = enrolled_officer
    officer_session = as_user(officer)
    assert officer_session.get("/").status_code == 200
    client = as_user(superuser)
    url = f"/admin/accounts/user/{officer.pk}/reset-second-factor/"
    change_page = client.get(f"/admin/accounts/user/{officer.pk}/change/").content.decode()
    assert url in change_page and "Reset this user's second factor" in change_page
    confirm = client.get(url)
    assert confirm.status_code == 200 and b"next sign-in" in confirm.content
    assert StaticDevice.objects.filter(user=officer).exists()  # nothing changed by the GET

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not StaticDevice.objects.filter(user=officer).exists()
    event = AuditEvent.objects.get(action=AuditAction.SECOND_FACTOR_RESET)
    assert (event.actor, event.object_type, event.object_id) == (superuser, "accounts.user", str(officer.pk))
    assert len(mail.outbox) == 1
    notice = mail.outbox[0]
    assert notice.to == [officer.email] and notice.subject == "Safer Somerset: your account"
    assert officer.full_name not in notice.body and "set up your authenticator app again" in notice.body
    # The officer's open session has lost its second factor: they must enrol again.
    assert officer_session.get("/")["Location"] == "/set-up-authenticator/"


@pytest.mark.django_db
def test_administrators_cannot_reset_their_own_second_factor(superuser, as_user):
    client = as_user(superuser)
    response = client.post(f"/admin/accounts/user/{superuser.pk}/reset-second-factor/", follow=True)
    assert b"Ask another system administrator" in response.content
    assert TOTPDevice.objects.filter(user=superuser).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.SECOND_FACTOR_RESET).exists()


@pytest.mark.django_db
def test_a_role_change_in_the_admin_is_audited_with_before_and_after(admin_user, agency_rep, as_user):
    client = as_user(admin_user)
    url = f"/admin/accounts/user/{agency_rep.pk}/change/"
    data = _form_data(client.get(url))
    assert data["roles"] == [Role.AGENCY_REP.value]
    data["roles"] = [Role.AGENCY_REP.value, Role.REVIEW_CHAIR.value]
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    agency_rep = User.objects.get(pk=agency_rep.pk)
    assert agency_rep.role_names == {Role.AGENCY_REP.value, Role.REVIEW_CHAIR.value}
    event = AuditEvent.objects.get(action=AuditAction.CHANGE, object_id=str(agency_rep.pk))
    assert event.actor == admin_user and event.changed_fields == ["roles"]
    assert event.detail["access"]["roles"] == {
        "from": ["agency_representative"],
        "to": ["agency_representative", "review_chair"],
    }


@pytest.mark.django_db
def test_deactivating_and_moving_agency_in_the_admin_is_audited_and_ends_the_session(
    admin_user, agency_rep, housing, police, as_user
):
    rep_session = as_user(agency_rep)
    client = as_user(admin_user)
    url = f"/admin/accounts/user/{agency_rep.pk}/change/"
    data = _form_data(client.get(url))
    data.pop("is_active")
    data["agency"] = str(housing.pk)
    data["job_title"] = "Housing officer"
    assert client.post(url, data).status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.CHANGE, object_id=str(agency_rep.pk))
    assert event.changed_fields == ["agency", "is_active", "job_title"]
    assert event.detail["access"] == {
        "agency": {"from": police.pk, "to": housing.pk},
        "is_active": {"from": True, "to": False},
    }
    assert "Housing officer" not in str(event.detail)  # personal details: field names only
    assert rep_session.get("/")["Location"].startswith("/sign-in/")


@pytest.mark.django_db
def test_only_a_superuser_makes_superusers_and_nobody_changes_their_own_access(
    admin_user, superuser, officer, as_user
):
    client = as_user(admin_user)
    url = f"/admin/accounts/user/{officer.pk}/change/"
    data = _form_data(client.get(url))
    data["is_superuser"] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Only a superuser" in response.content.decode()
    assert not User.objects.get(pk=officer.pk).is_superuser

    own = f"/admin/accounts/user/{admin_user.pk}/change/"
    data = _form_data(client.get(own))
    data["roles"] = [Role.ADMIN.value, Role.AUDITOR.value]
    response = client.post(own, data)
    assert response.status_code == 200 and "cannot change your own roles" in response.content.decode()
    assert not User.objects.get(pk=admin_user.pk).has_role(Role.AUDITOR)
    data = _form_data(client.get(own))
    data["job_title"] = "Systems lead"  # their own details are theirs to change
    assert client.post(own, data).status_code == 302
    assert not AuditEvent.objects.filter(action=AuditAction.CHANGE, detail__has_key="access").exists()

    su = as_user(superuser)
    data = _form_data(su.get(url))
    data["is_superuser"] = "on"
    data["is_staff"] = "on"
    assert su.post(url, data).status_code == 302
    assert User.objects.get(pk=officer.pk).is_superuser


@pytest.mark.django_db
def test_adding_a_user_emails_them_a_link_to_choose_their_own_password(
    admin_user, council_team, as_user, django_capture_on_commit_callbacks
):
    client = as_user(admin_user)
    data = {
        "email": "New.Person@Example.invalid",
        "full_name": "New Person",
        "job_title": "",
        "agency": str(council_team.pk),
        "roles": [Role.OFFICER.value],
        "_save": "Save",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/accounts/user/add/", data)
    assert response.status_code == 302
    person = User.objects.get(email="new.person@example.invalid")
    assert not person.has_usable_password()
    assert person.role_names == {Role.OFFICER.value}
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(person.pk))
    assert event.actor == admin_user and "roles" in event.changed_fields
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new.person@example.invalid"]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line)
    page = client.get(link.split("testserver")[-1].replace("http://127.0.0.1:8000", ""), follow=True)
    assert b"new_password1" in page.content


@pytest.mark.django_db
def test_nothing_is_deleted_in_the_admin(superuser):
    request = _request_as(superuser)
    deletable = {
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if model_admin.has_delete_permission(request)
    }
    # Only a lock-out record may be deleted: that is how an account is unlocked early.
    assert deletable == {"axes.AccessAttempt"}
    read_only = {
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not model_admin.has_change_permission(request) and not model_admin.has_add_permission(request)
    }
    assert {
        "audit.AuditEvent",
        "reports.ExecutiveReport",
        "reports.ReportVersion",
        "auth.Group",
        "axes.AccessLog",
        "axes.AccessFailureLog",
    } <= read_only


@pytest.mark.django_db
def test_archiving_in_the_admin_needs_a_reason_and_is_audited(superuser, as_user):
    area = MaracAreaFactory(code="WEST", name="West MARAC (synthetic)", active=True)
    client = as_user(superuser)
    url = reverse("admin:partnerships_maracarea_changelist")
    data = {"action": "archive_selected", "_selected_action": [str(area.pk)]}
    asked = client.post(url, data)
    assert asked.status_code == 200 and b"Why are these being archived?" in asked.content
    refused = client.post(url, {**data, "apply": "Archive", "reason": ""})
    assert b"Enter why these are being archived" in refused.content
    area.refresh_from_db()
    assert area.active
    client.post(url, {**data, "apply": "Archive", "reason": "Merged into the county MARAC"})
    area.refresh_from_db()
    assert not area.active
    event = AuditEvent.objects.get(action=AuditAction.ARCHIVE)
    assert event.detail == {"reason": "Merged into the county MARAC"} and event.object_id == str(area.pk)
    assert area.history.count() == 2  # the record and its history stay


@pytest.mark.django_db
def test_configuration_changes_in_the_admin_are_audited(superuser, housing, as_user):
    client = as_user(superuser)
    url = f"/admin/accounts/agency/{housing.pk}/change/"
    data = _form_data(client.get(url))
    data["responsible_authority"] = "on"
    assert client.post(url, data).status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.CHANGE, object_type="accounts.agency")
    assert event.changed_fields == ["responsible_authority"] and event.actor == superuser


@pytest.mark.django_db
def test_role_groups_cannot_be_edited_in_the_admin(superuser, as_user):
    group = Group.objects.get(name=Role.OFFICER.label)
    client = as_user(superuser)
    response = client.post(f"/admin/auth/group/{group.pk}/change/", {"name": "Renamed", "permissions": []})
    assert response.status_code == 403
    assert Group.objects.filter(name=Role.OFFICER.label).exists()
