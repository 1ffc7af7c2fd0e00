from somerset_safety.core.exceptions import DomainError


class ReportError(DomainError):
    """A refused report action; the message is safe to show."""
