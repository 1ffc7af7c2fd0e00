from somerset_safety.core.exceptions import DomainError


class MeetingError(DomainError):
    """A meeting, agenda or action rule refused what was asked; the message is safe to show."""
