from django.core.exceptions import ValidationError

CONTEXT_WORDS = ("somerset", "safer", "password", "marac", "council", "community")


class ContextWordValidator:
    """Refuses passwords built on words from this service's own context (S2)."""

    def validate(self, password, user=None):
        remainder = password.lower()
        for word in CONTEXT_WORDS:
            remainder = remainder.replace(word, "")
        if len(remainder) != len(password) and len(remainder) < 8:
            raise ValidationError(
                "Choose a password that is not based on the name of this service or council.",
                code="password_context_word",
            )

    def get_help_text(self):
        return "Your password cannot be based on the name of this service or council."


def normalised_username(request, credentials) -> str:
    """Lock-out key: the email address as typed, ignoring case and surrounding space (S3)."""
    return (credentials or {}).get("username", "").strip().lower()
