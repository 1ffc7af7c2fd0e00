class CommissioningError(Exception):
    """A rule of the commissioning app refused the change. The message is safe to show."""
