"""An email server that takes a second to accept each message, then files it: a worker killed
while it is sending has not delivered that email (as with SMTP, where the server accepts the
message at the end of the conversation)."""

import time

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        time.sleep(1)
        return super().send_messages(email_messages)
