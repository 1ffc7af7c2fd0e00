from somerset_safety.core.exceptions import DomainError


class ReviewError(DomainError):
    """A refused action on a notification or review. The message is safe to show the user."""


class TransitionRefused(ReviewError):
    """A stage move that the review's state does not allow, with the plain-English reason."""


class PossibleDuplicate(ReviewError):
    """The death may already be notified: the same date of death and the same victim's name.
    Nothing is saved until the officer confirms it is a different death."""

    def __init__(self, duplicates):
        self.duplicates = list(duplicates)
        references = ", ".join(n.reference for n in self.duplicates)
        verb = "records" if len(self.duplicates) == 1 else "record"
        super().__init__(
            f"{references} already {verb} a death on the same date with the same victim's name. "
            "Check it is not the same death, then confirm this is a different death",
            field="different_death_confirmed",
        )
