from somerset_safety.core.exceptions import DomainError


class RecordsError(DomainError):
    """A records management rule refused the change; the message is safe to show."""
