"""Writes each email to a file, then takes a second: time for a test to kill the worker mid-send."""

import time

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        sent = super().send_messages(email_messages)
        time.sleep(1)
        return sent
