"""The request in flight, for audit records written deep inside services."""

from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RequestInfo:
    request_id: str
    ip: str | None
    method: str = ""
    # The request itself, for the page's URL name once it has been resolved.
    request: object = field(default=None, compare=False, repr=False)
    # The records whose view this request has already audited (audit.reads).
    viewed: set = field(default_factory=set, compare=False, repr=False)


_current: ContextVar[RequestInfo | None] = ContextVar("current_request", default=None)


def set_current(info: RequestInfo | None):
    return _current.set(info)


def reset_current(token) -> None:
    _current.reset(token)


def current() -> RequestInfo | None:
    return _current.get()
