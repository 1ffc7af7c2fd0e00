from somerset_safety.core.exceptions import DomainError


class DutiesError(DomainError):
    """A refused action. The message is plain English and safe to show to the user."""


class TransitionRefused(DutiesError):
    """A move the duty-to-notify record's state machine does not allow."""
