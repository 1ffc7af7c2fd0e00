"""Personas from STYLE.md and a signed-in client for each, past the second factor."""

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from somerset_safety.accounts.models import Agency
from somerset_safety.accounts.roles import Role
from somerset_safety.celery import app as celery_app

from .browser_support import _browser, assert_accessible, browser_page, sign_in  # noqa: F401 - fixtures
from .factories import AgencyFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_hashing_and_private_media(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = settings.PRIVATE_MEDIA_ROOT
    # Tests write files only under their temporary folder.
    settings.EMAIL_FILE_PATH = str(tmp_path / "emails")
    settings.STATIC_ROOT = tmp_path / "static"
    settings.AUDIT_ANCHOR_DIR = tmp_path / "audit-anchors"
    settings.REQUIRE_SECOND_FACTOR = True
    settings.DEMO_MODE = False
    # Activity written to the session on every request, so that tests comparing two requests'
    # queries do not depend on how long they take; the tests of the minute's interval set it.
    settings.SESSION_ACTIVITY_INTERVAL_SECONDS = 0
    # Tests run tasks in-process unless they start a worker of their own (tests marked redis).
    celery_app.conf.update(CELERY_TASK_ALWAYS_EAGER=True, CELERY_TASK_EAGER_PROPAGATES=True)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def verified_client(user) -> Client:
    """A client signed in as `user` who has passed the second factor."""
    client = Client()
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="Test app", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def council_team(db):
    return Agency.objects.get(code="CST")


@pytest.fixture
def police(db):
    return Agency.objects.get(code="POLICE")


@pytest.fixture
def housing(db):
    return Agency.objects.get(code="HOUSING")


@pytest.fixture
def officer(council_team):
    return UserFactory(agency=council_team, roles=[Role.OFFICER], full_name="Olive Officer")


@pytest.fixture
def coordinator(council_team):
    return UserFactory(agency=council_team, roles=[Role.MARAC_COORDINATOR], full_name="Cara Coordinator")


@pytest.fixture
def agency_rep(police):
    """A member of the agency on the case (police, in most tests)."""
    return UserFactory(agency=police, roles=[Role.AGENCY_REP], full_name="Ann Agency")


@pytest.fixture
def other_agency_rep(housing):
    """A member of another agency, not party to the case."""
    return UserFactory(agency=housing, roles=[Role.AGENCY_REP], full_name="Otto Other")


@pytest.fixture
def partnership_lead(db):
    return UserFactory(agency=AgencyFactory(), roles=[Role.PARTNERSHIP_LEAD], full_name="Lee Lead")


@pytest.fixture
def review_chair(db):
    return UserFactory(agency=AgencyFactory(), roles=[Role.REVIEW_CHAIR], full_name="Chris Chair")


@pytest.fixture
def auditor(council_team):
    return UserFactory(agency=council_team, roles=[Role.AUDITOR], full_name="Ida Auditor")


@pytest.fixture
def admin_user(council_team):
    return UserFactory(agency=council_team, roles=[Role.ADMIN], full_name="Sam Admin", is_staff=True)


@pytest.fixture
def no_role_user(council_team):
    return UserFactory(agency=council_team, roles=[], full_name="Nora Norole")


@pytest.fixture
def as_user():
    """as_user(user) -> a verified client for that user."""
    return verified_client


@pytest.fixture(autouse=True, scope="session")
def _let_test_flushes_empty_the_audit_table() -> None:
    """Transactional tests end by emptying every table with one TRUNCATE, which the audit
    table's trigger refuses (as it must in production). Only the tests' flush steps round it."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush
    if getattr(original, "lets_audit_table_be_emptied", False):
        return

    def sql_flush(self, style, tables, **kwargs):
        statements = original(self, style, tables, **kwargs)
        if "audit_auditevent" not in tables or not statements:
            return statements
        toggle = 'ALTER TABLE "audit_auditevent" {} TRIGGER audit_event_no_truncate;'
        return [toggle.format("DISABLE"), *statements, toggle.format("ENABLE")]

    sql_flush.lets_audit_table_be_emptied = True
    DatabaseOperations.sql_flush = sql_flush


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(name="sign_in")
def sign_in_fixture():
    return sign_in


@pytest.fixture(name="assert_accessible")
def assert_accessible_fixture():
    return assert_accessible


def _warm_database_features() -> None:
    """SQLite asks the database once per connection whether it has JSON functions (a query):
    asked here, so that a query count does not depend on which test ran first."""
    from django.db import connection

    connection.features.supports_json_field  # noqa: B018 - cached on the connection


@pytest.fixture
def django_assert_num_queries(django_assert_num_queries, db):
    _warm_database_features()
    return django_assert_num_queries


@pytest.fixture
def django_assert_max_num_queries(django_assert_max_num_queries, db):
    _warm_database_features()
    return django_assert_max_num_queries


@pytest.fixture(scope="session")
def _reference_snapshot(django_db_setup, django_db_blocker):
    """The data the migrations loaded (agencies, roles, partnership bodies, duties …)."""
    from django.db import connection

    with django_db_blocker.unblock():
        return connection.creation.serialize_db_to_string()


@pytest.fixture(autouse=True)
def _restore_reference_data(request):
    """Transactional tests (browser, concurrency) empty the database when they finish; put the
    reference data back before each one, as a fresh database would have it."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    snapshot = request.getfixturevalue("_reference_snapshot")
    request.getfixturevalue("transactional_db")
    from django.db import connection

    # The flush re-runs post_migrate, which makes new content types, permissions and groups
    # with new ids; agencies and the rest do not come back. Put back exactly what was there.
    if not Agency.objects.exists():
        from django.contrib.auth.models import Group
        from django.contrib.contenttypes.models import ContentType

        from somerset_safety.records.models import RetentionRule

        # post_migrate also loaded the default retention rules again: the snapshot has them.
        RetentionRule.objects.all().delete()
        Group.objects.all().delete()
        ContentType.objects.all().delete()
        ContentType.objects.clear_cache()
        connection.creation.deserialize_db_from_string(snapshot)
        ContentType.objects.clear_cache()


@pytest.fixture
def today_is():
    """The one way a test sets the date: `today_is(date(2026, 3, 1))` moves every clock there
    with time-machine (timezone.now, date.today, the live server's thread alike), at noon in
    London, ticking on from there; call it again to move on. Returns the day."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    import time_machine

    travellers = []

    def move(day: dt.date) -> dt.date:
        traveller = time_machine.travel(
            dt.datetime.combine(day, dt.time(12), tzinfo=ZoneInfo("Europe/London")), tick=True
        )
        traveller.start()
        travellers.append(traveller)
        return day

    yield move
    for traveller in reversed(travellers):
        traveller.stop()
