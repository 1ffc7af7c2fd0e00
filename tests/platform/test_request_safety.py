"""Issue 19 point 7: redirects only to our own paths, our own request ids, the client's address
from X-Forwarded-For only behind proxies named in TRUSTED_PROXIES."""

import logging
import uuid

import pytest
from django.test import RequestFactory

from somerset_safety.audit.models import AuditAction, AuditEvent
from somerset_safety.core.middleware import client_ip


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("https://elsewhere.example/phish", "/"),
        ("//elsewhere.example/", "/"),
        ("/\\elsewhere.example", "/"),
        ("javascript:alert(1)", "/"),
        ("http://testserver/reviews/", "/"),
        ("", "/"),
        ("/reviews/?page=2", "/reviews/?page=2"),
    ],
)
def test_stay_signed_in_redirects_only_to_our_own_paths(officer, as_user, next_url, expected):
    response = as_user(officer).post("/account/session/extend/", {"next": next_url})
    assert response.status_code == 302
    assert response["Location"] == expected


@pytest.mark.django_db
def test_the_request_id_is_ours_and_the_clients_is_only_logged(officer, as_user, caplog):
    theirs = str(uuid.uuid4())
    client = as_user(officer)
    with caplog.at_level(logging.INFO, logger="somerset_safety.core.middleware"):
        response = client.post(
            "/account/preferences/", {"reminder_preference": "immediate"}, HTTP_X_REQUEST_ID=theirs
        )
    assert response.status_code == 302
    ours = response["X-Request-ID"]
    assert ours != theirs and uuid.UUID(ours)
    event = AuditEvent.objects.get(action=AuditAction.CHANGE, object_id=str(officer.pk))
    assert event.request_id == ours
    assert ours in caplog.text and theirs in caplog.text


def _request(remote: str, forwarded: str | None = None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        # Behind a trusted proxy: the nearest address that is not a trusted proxy.
        ("10.0.0.5", "203.0.113.7", "203.0.113.7"),
        (
            "10.0.0.5",
            "198.51.100.1, 203.0.113.7",
            "203.0.113.7",
        ),  # a client-supplied first hop is not believed
        ("10.0.0.5", "203.0.113.7, 10.0.1.9", "203.0.113.7"),  # through two of our proxies
        ("10.0.0.5", "not-an-address", "10.0.0.5"),
        ("10.0.0.5", None, "10.0.0.5"),
        # From anyone else the header is ignored.
        ("192.0.2.44", "203.0.113.7", "192.0.2.44"),
    ],
)
def test_forwarded_for_is_believed_only_from_trusted_proxies(settings, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = ["10.0.0.5", "10.0.1.0/24"]
    assert client_ip(_request(remote, forwarded)) == expected


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(_request("127.0.0.1", "203.0.113.7")) == "127.0.0.1"


@pytest.mark.django_db
def test_audit_events_carry_the_forwarded_client_address(officer, as_user, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    as_user(officer).post(
        "/account/preferences/",
        {"reminder_preference": "immediate"},
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert AuditEvent.objects.get(action=AuditAction.CHANGE).ip_address == "203.0.113.7"


def test_a_bad_trusted_proxy_is_a_check_error(settings):
    from somerset_safety.core.checks import trusted_proxies_valid

    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "the load balancer"]
    assert [e.id for e in trusted_proxies_valid(None)] == ["safer_somerset.E017"]
