"""Domain errors whose messages are safe to show to the user."""

from somerset_safety.meetings.exceptions import MeetingError


class MaracError(MeetingError):
    """A refused MARAC operation; the message says why in plain English. A refusal by the
    platform meetings mechanism reaches MARAC's views as one of these."""


class BoardError(MeetingError):
    """A refused partnership board or performance framework operation, in plain English."""


class DisruptionError(MeetingError):
    """A refused Disruption Panel operation, in plain English."""


class ImportRejected(MaracError):
    """An import file was refused. `errors` is a list of (row number, field, message); row 1 is
    the header, so the first referral is row 2, as a spreadsheet numbers it."""

    def __init__(self, errors: list[tuple[int, str, str]]):
        self.errors = errors
        super().__init__(
            f"The file was not imported: {len(errors)} problem{'s' if len(errors) != 1 else ''} found. "
            "Nothing has been saved."
        )
