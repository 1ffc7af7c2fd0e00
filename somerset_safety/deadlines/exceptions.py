class DeadlineError(Exception):
    """A refused change to a deadline; the message is safe to show."""
