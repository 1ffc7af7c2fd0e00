"""The request in flight, for audit records written deep inside services."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestInfo:
    request_id: str
    ip: str | None


_current: ContextVar[RequestInfo | None] = ContextVar("current_request", default=None)


def set_current(info: RequestInfo | None):
    return _current.set(info)


def reset_current(token) -> None:
    _current.reset(token)


def current() -> RequestInfo | None:
    return _current.get()
