"""S6: deny by default. Walks every URL pattern and fails when a view not on the public list
answers an anonymous visitor, a user with no role, or a session without the second factor."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# The whole public surface of the service.
PUBLIC = {
    "accounts:login",
    "accounts:reset_request",
    "accounts:reset_sent",
    "accounts:reset_confirm",
    "accounts:reset_complete",
    "accounts:signed_out",
    "core:health",
    "core:accessibility",
    "core:privacy",
    "admin:login",  # redirects to the service's own sign-in
}
# Reachable before the second factor (sign-in steps) and without a role (own account pages).
BEFORE_SECOND_FACTOR = {"accounts:verify", "accounts:setup", "accounts:logout", "accounts:session_extend"}
WITHOUT_ROLE = BEFORE_SECOND_FACTOR | {
    "accounts:recovery_codes",
    "accounts:preferences",
    "accounts:change_password",
}

_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _walk(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(entry, prefix + str(entry.pattern), full_ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), prefix + str(entry.pattern)


def _concrete(route: str) -> str | None:
    if route.startswith("^"):  # regex routes (admin internals, static): build a sample path
        route = route.lstrip("^").rstrip("$").replace("\\", "")
        if "(" in route:
            route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
        if any(ch in route for ch in "()[]*+?"):
            return None
    converters = {
        "int": "1",
        "str": "x",
        "slug": "x",
        "uuid": "00000000-0000-0000-0000-000000000001",
        "path": "x",
    }
    return "/" + _PARAM.sub(lambda m: converters.get(m.group(1) or "str", "1"), route)


def _patterns():
    seen = set()
    for name, route in _walk():
        path = _concrete(route)
        if path is None or path in seen:
            continue
        seen.add(path)
        yield name, path


ALL = list(_patterns())


def test_walk_finds_the_application_urls():
    names = {name for name, _ in ALL}
    assert {"core:home", "accounts:login", "audit:event_list"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), ALL, ids=[n for n, _ in ALL])
def test_anonymous_visitor_reaches_only_public_views(client, name, path):
    response = client.get(path)
    if name in PUBLIC:
        return
    assert response.status_code in (302, 404, 405), f"{name} answered {response.status_code}"
    if response.status_code == 302:
        location = response["Location"]
        # The admin's own login address itself redirects to the service's sign-in (tested below).
        assert location.startswith(("/sign-in/", "/admin/login/")), f"{name} redirected to {location}"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), ALL, ids=[n for n, _ in ALL])
def test_user_with_no_role_reaches_nothing_else(no_role_user, as_user, name, path):
    response = as_user(no_role_user).get(path)
    if name in PUBLIC or name in WITHOUT_ROLE:
        return
    assert response.status_code in (403, 404, 405), f"{name} answered {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), ALL, ids=[n for n, _ in ALL])
def test_password_only_session_reaches_only_sign_in_pages(officer, client, name, path):
    """S1: a session that has not passed the second factor reaches only the sign-in pages."""
    client.force_login(officer)
    response = client.get(path)
    if name in PUBLIC or name in BEFORE_SECOND_FACTOR:
        return
    assert response.status_code in (302, 404, 405), f"{name} answered {response.status_code}"
    if response.status_code == 302:
        assert response["Location"] in ("/sign-in/code/", "/set-up-authenticator/"), response["Location"]


@pytest.mark.django_db
def test_admin_login_sends_people_to_the_service_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")
