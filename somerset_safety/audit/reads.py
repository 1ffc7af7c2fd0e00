"""Reads of protected records are audited by the one fetch path (S11), not by each view.

Each app's `get_<thing>_for_user_or_404` is decorated with `@audited_read()`. When it hands a
record to a page someone is reading (a GET or HEAD request in flight), it writes the view event
itself: once per record per request, with the page's URL name and whatever the app's `detail`
callable adds (whether restricted fields were shown, for example). A view therefore cannot
forget to audit what it shows, and a test walks every page to prove it
(tests/platform/test_view_audit.py).

A POST is audited by the service it calls (a change, a move, a disclosure), so the fetch path
writes no view then. Outside a request (tasks, commands, the shell) nothing is written.
"""

import functools
from collections.abc import Callable

from django.db import models

from somerset_safety.core import request_context

from .models import AuditAction, AuditEvent
from .services import audit_record, object_type_of

READING_METHODS = frozenset({"GET", "HEAD"})


def record_view(user, obj: models.Model, **detail) -> AuditEvent | None:
    """Write the view event of `obj` for the page being read, unless this request already has.
    Returns the event, or None when nothing was written."""
    info = request_context.current()
    if info is None or info.method not in READING_METHODS:
        return None
    key = (object_type_of(obj), str(obj.pk))
    if key in info.viewed:
        return None
    info.viewed.add(key)
    match = getattr(info.request, "resolver_match", None)
    if match is not None and match.view_name:
        detail = {"page": match.view_name, **detail}
    return audit_record(actor=user, action=AuditAction.VIEW, obj=obj, detail=detail)


def audited_read(detail: Callable[[object, models.Model], dict] | None = None):
    """Decorator for a fetch path `fetch(user, ...) -> record`: the record it returns to a page
    being read is audited as viewed (see `record_view`). `detail(user, record)` gives ids and
    flags for the event, never personal data."""

    def decorate(fetch):
        @functools.wraps(fetch)
        def fetch_and_audit(user, *args, **kwargs):
            record = fetch(user, *args, **kwargs)
            record_view(user, record, **(detail(user, record) if detail else {}))
            return record

        fetch_and_audit.audits_reads = True
        return fetch_and_audit

    return decorate
