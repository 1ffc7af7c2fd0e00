from somerset_safety.core.exceptions import DomainError


class RecordsError(DomainError):
    """A records management rule refused the change; the message is safe to show.

    `why`, on a disposal refused, says why in words that name no record (no reference, no name),
    for the retention schedule page's count of records the nightly run could not dispose of."""

    def __init__(self, *args, field: str | None = None, why: str = ""):
        super().__init__(*args, field=field)
        self.why = why
