class AccountChangeRefused(Exception):
    """A change to an account that the rules do not allow. The message is safe to show."""
