from somerset_safety.core.exceptions import DomainError


class DeadlineError(DomainError):
    """A refused change to a deadline; the message is safe to show."""
