"""The sign-in backend: Django's model backend, reading the signed-in user of each request with
their agency (named in every page's header) and their roles in one query."""

from django.contrib.auth.backends import ModelBackend

from .models import User


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        # Read afresh on every request, as Django's own: a deactivation, a changed password or
        # a role given or taken away takes effect on the user's next request.
        user = User.objects.with_roles().select_related("agency").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
