from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

SESSION_STARTED_KEY = "auth_started_at"
SESSION_LAST_SEEN_KEY = "auth_last_seen"


@receiver(user_logged_in)
def stamp_session_start(sender, request, user, **kwargs):
    now = int(timezone.now().timestamp())
    request.session[SESSION_STARTED_KEY] = now
    request.session[SESSION_LAST_SEEN_KEY] = now
