"""S1–S5: password and TOTP, lock-out by username, single-use codes, session limits, reset."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from somerset_safety.audit.models import AuditAction, AuditEvent
from tests.factories import TEST_PASSWORD


def _code(device: TOTPDevice, at: float) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = at
    return f"{totp.token():06d}"


def _post_password(client: Client, email: str, password: str = TEST_PASSWORD, ip: str = "10.1.1.1"):
    return client.post("/sign-in/", {"username": email, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def enrolled_officer(officer):
    device = TOTPDevice.objects.create(user=officer, name="App", confirmed=True)
    return officer, device


@pytest.mark.django_db
def test_password_then_code_reaches_home(enrolled_officer):
    officer, device = enrolled_officer
    client = Client()
    response = _post_password(client, officer.email.upper())
    assert response["Location"] == "/sign-in/code/"
    assert client.get("/").status_code == 302  # not yet past the second factor
    now = dt.datetime(2026, 11, 24, 10, 0, 0, tzinfo=dt.UTC)
    with time_machine.travel(now, tick=False):
        response = client.post("/sign-in/code/", {"code": _code(device, now.timestamp())})
    assert response["Location"] == "/"
    with time_machine.travel(now, tick=False):
        assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN, actor=officer).exists()


@pytest.mark.django_db
def test_a_totp_code_works_only_once(enrolled_officer):
    officer, device = enrolled_officer
    now = dt.datetime(2026, 11, 24, 10, 0, 5, tzinfo=dt.UTC)
    code = _code(device, now.timestamp())
    first, second = Client(), Client()
    with time_machine.travel(now, tick=False):
        _post_password(first, officer.email)
        assert first.post("/sign-in/code/", {"code": code})["Location"] == "/"
        _post_password(second, officer.email)
        response = second.post("/sign-in/code/", {"code": code})
    assert response.status_code == 200
    assert b"already been used" in response.content
    assert AuditEvent.objects.filter(action=AuditAction.SECOND_FACTOR_FAILED).count() == 1


@pytest.mark.django_db
def test_recovery_code_signs_in_once(enrolled_officer):
    from somerset_safety.accounts.services import recovery_codes_regenerate

    officer, _device = enrolled_officer
    codes = recovery_codes_regenerate(user=officer)
    client = Client()
    _post_password(client, officer.email)
    assert client.post("/sign-in/code/", {"code": codes[0]})["Location"] == "/"
    other = Client()
    _post_password(other, officer.email)
    assert other.post("/sign-in/code/", {"code": codes[0]}).status_code == 200


@pytest.mark.django_db
def test_lock_out_is_per_username_so_a_colleague_on_the_same_ip_can_sign_in(officer, agency_rep, settings):
    settings.AXES_FAILURE_LIMIT = 3
    attacker = Client()
    for _ in range(3):
        _post_password(attacker, officer.email, password="wrong password entirely", ip="10.9.9.9")
    locked = _post_password(Client(), officer.email, ip="10.9.9.9")
    assert locked.status_code == 429
    assert b"locked" in locked.content
    colleague = _post_password(Client(), agency_rep.email, ip="10.9.9.9")
    assert colleague.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT, object_id=str(officer.pk)).exists()
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED).count() >= 3


@pytest.mark.django_db
def test_idle_session_expires_after_twenty_minutes(officer, as_user):
    start = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        client = as_user(officer)
        assert client.get("/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=19), tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=40), tick=False):
        response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


@pytest.mark.django_db
def test_active_session_ends_after_ten_hours(officer, as_user):
    start = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        client = as_user(officer)
        client.get("/")
    minute = start
    for _ in range(int(10 * 60 / 15)):
        minute += dt.timedelta(minutes=15)
        with time_machine.travel(minute, tick=False):
            assert client.get("/").status_code == 200
    with time_machine.travel(minute + dt.timedelta(minutes=15), tick=False):
        assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.SESSION_EXPIRED, detail__reason="absolute").exists()


@pytest.mark.django_db
def test_deactivating_a_user_ends_their_session_at_once(officer, as_user):
    client = as_user(officer)
    assert client.get("/").status_code == 200
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_sign_out_ends_the_session(officer, as_user):
    client = as_user(officer)
    client.post("/sign-out/")
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_password_reset_answers_the_same_for_unknown_addresses(officer, client):
    known = client.post("/password-reset/", {"email": officer.email})
    unknown = client.post("/password-reset/", {"email": "nobody@example.invalid"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert officer.full_name not in body and officer.email not in body  # S14: a link only


@pytest.mark.django_db
def test_password_reset_link_lasts_an_hour_and_second_factor_still_needed(officer, client, settings):
    assert settings.PASSWORD_RESET_TIMEOUT <= 3600
    start = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        client.post("/password-reset/", {"email": officer.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line)
    path = link.split("testserver", 1)[1]
    with time_machine.travel(start + dt.timedelta(minutes=61), tick=False):
        expired = client.get(path, follow=True)
    assert b"This link has expired" in expired.content
    with time_machine.travel(start + dt.timedelta(minutes=30), tick=False):
        page = client.get(path, follow=True)
        form_path = page.redirect_chain[-1][0]
        done = client.post(
            form_path,
            {"new_password1": "a new long passphrase 77", "new_password2": "a new long passphrase 77"},
        )
        assert done["Location"] == "/password-reset/complete/"
        signed_in = _post_password(Client(), officer.email, password="a new long passphrase 77")
    assert signed_in["Location"] in ("/sign-in/code/", "/set-up-authenticator/")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password",
    ["short1234", "password12345", "somersetsafer1", "123456789012345"],
)
def test_weak_passwords_are_refused(officer, password):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password(password, officer)


@pytest.mark.django_db
def test_long_passphrase_without_composition_rules_is_accepted(officer):
    from django.contrib.auth.password_validation import validate_password

    validate_password("the quick brown fox jumps over the lazy otter " * 3, officer)


@pytest.mark.django_db
def test_enrolment_shows_qr_and_key_and_issues_recovery_codes(officer):
    client = Client()
    _post_password(client, officer.email)
    page = client.get("/set-up-authenticator/")
    assert page.status_code == 200
    assert b"data:image/svg+xml" in page.content
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    now = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(now, tick=False):
        wrong = client.post("/set-up-authenticator/", {"code": "000000"})
    assert b"not right" in wrong.content
    later = now + dt.timedelta(seconds=30)  # after django-otp's throttle delay
    with time_machine.travel(later, tick=False):
        done = client.post("/set-up-authenticator/", {"code": _code(device, later.timestamp())})
        assert done["Location"] == "/account/recovery-codes/"
        codes_page = client.get("/account/recovery-codes/")
        assert codes_page.content.count(b"<code") == 10
        assert b"<code" not in client.get("/account/recovery-codes/").content  # shown once only


@pytest.mark.django_db
def test_change_password_keeps_this_session_and_ends_others(officer, as_user):
    here, elsewhere = as_user(officer), as_user(officer)
    bad = here.post(
        "/account/password/", {"old_password": "wrong", "new_password1": "x", "new_password2": "x"}
    )
    assert bad.status_code == 200 and b"There is a problem" in bad.content
    done = here.post(
        "/account/password/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "lantern orchard pebble 19",
            "new_password2": "lantern orchard pebble 19",
        },
    )
    assert done["Location"] == "/account/preferences/"
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302


PLAIN_PAGE = "/account/preferences/"  # a signed-in page that reads nothing of its own


@pytest.mark.django_db
def test_activity_is_recorded_once_a_minute_and_the_idle_time_counted_from_it(officer, as_user, settings):
    settings.SESSION_ACTIVITY_INTERVAL_SECONDS = 60  # as in production
    start = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        client = as_user(officer)  # signing in records 09:00:00
    with time_machine.travel(start + dt.timedelta(seconds=50), tick=False):
        assert client.get(PLAIN_PAGE).status_code == 200  # 50 s on: not recorded
    # 19 min 40 s after that request but 20 min 30 s after the activity recorded: signed out.
    with time_machine.travel(start + dt.timedelta(minutes=20, seconds=30), tick=False):
        response = client.get(PLAIN_PAGE)
    assert response["Location"].startswith("/sign-in/")  # the stored session had expired with it

    with time_machine.travel(start, tick=False):
        client = as_user(officer)
    with time_machine.travel(start + dt.timedelta(seconds=60), tick=False):
        assert client.get(PLAIN_PAGE).status_code == 200  # a minute on: recorded, 09:01:00
    with time_machine.travel(start + dt.timedelta(minutes=20, seconds=59), tick=False):
        assert client.get(PLAIN_PAGE).status_code == 200  # 19 min 59 s after 09:01:00
    with time_machine.travel(start + dt.timedelta(minutes=41), tick=False):
        assert client.get(PLAIN_PAGE)["Location"].startswith("/sign-in/")  # 20 min after 09:20:59


@pytest.mark.django_db
def test_the_warning_counts_down_from_the_time_left_and_stay_signed_in_records_at_once(
    officer, as_user, settings
):
    settings.SESSION_ACTIVITY_INTERVAL_SECONDS = 60  # as in production
    start = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        client = as_user(officer)
    with time_machine.travel(start + dt.timedelta(seconds=45), tick=False):
        page = client.get(PLAIN_PAGE).content.decode()
        # 1,200 s less the 45 since the activity recorded at 09:00:00.
        assert 'data-idle-seconds="1200" data-idle-left-seconds="1155"' in page
        assert client.post("/account/session/extend/").status_code == 302
        page = client.get(PLAIN_PAGE).content.decode()
    assert 'data-idle-left-seconds="1200"' in page
    # Recorded at 09:00:45 by "Stay signed in", though within the minute: 20 min 10 s after
    # 09:00 the session is still there.
    with time_machine.travel(start + dt.timedelta(minutes=20, seconds=10), tick=False):
        assert client.get(PLAIN_PAGE).status_code == 200


@pytest.mark.django_db
def test_a_signed_in_page_reads_the_session_the_user_and_the_second_factor_only(
    officer, as_user, django_assert_num_queries, settings
):
    settings.SESSION_ACTIVITY_INTERVAL_SECONDS = 60  # as in production
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    start = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        client = as_user(officer)
    # The session; the user with their agency (named in the header) and roles, in one query;
    # their second factor. Nothing is written within the minute.
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        with django_assert_num_queries(3) as queries:
            response = client.get(PLAIN_PAGE)
    session, user, device = (query["sql"] for query in queries.captured_queries)
    assert 'FROM "django_session"' in session
    assert 'FROM "accounts_user"' in user and '"accounts_agency"' in user and '"auth_group"' in user
    assert 'FROM "otp_totp_totpdevice"' in device
    assert f"Olive Officer, {officer.agency.name}" in response.content.decode()
    # A minute on, the activity is recorded: the session is written once.
    with time_machine.travel(start + dt.timedelta(seconds=90), tick=False):
        with CaptureQueriesContext(connection) as later:
            client.get(PLAIN_PAGE)
    writes = [query["sql"] for query in later.captured_queries if query["sql"].startswith("UPDATE")]
    assert len(writes) == 1 and writes[0].startswith('UPDATE "django_session"')


@pytest.mark.django_db
def test_a_role_taken_away_or_given_takes_effect_on_the_next_request(officer, admin_user, as_user):
    from somerset_safety.accounts.roles import Role
    from somerset_safety.accounts.services import user_update

    client = as_user(officer)
    assert client.get("/dashboard/").status_code == 200
    user_update(actor=admin_user, user_id=officer.pk, values={"roles": []})
    assert client.get("/dashboard/").status_code == 403  # no role: only their own account pages
    user_update(actor=admin_user, user_id=officer.pk, values={"roles": [Role.AUDITOR]})
    assert client.get("/dashboard/").status_code == 403  # auditors do not see the dashboard
    assert client.get("/audit/").status_code == 200
    user_update(actor=admin_user, user_id=officer.pk, values={"roles": [Role.OFFICER]})
    assert client.get("/dashboard/").status_code == 200
