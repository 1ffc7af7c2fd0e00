class MeetingError(Exception):
    """A meeting, agenda or action rule refused what was asked; the message is safe to show."""
