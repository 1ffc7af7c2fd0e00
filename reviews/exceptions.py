from somerset_safety.core.exceptions import DomainError


class ReviewError(DomainError):
    """A refused action on a notification or review. The message is safe to show the user."""


class TransitionRefused(ReviewError):
    """A stage move that the review's state does not allow, with the plain-English reason."""
