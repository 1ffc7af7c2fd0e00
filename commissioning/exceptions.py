from somerset_safety.core.exceptions import DomainError


class CommissioningError(DomainError):
    """A rule of the commissioning app refused the change. The message is safe to show."""
