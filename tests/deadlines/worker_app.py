"""The real Celery app for the worker tests, with a pause at one phase of the reminder sweep so
a test can kill the worker there. TEST_PAUSE_AT=logging slows every logged batch;
TEST_PAUSE_AT=handover stops after logging, before the hand-over (writing TEST_MARKER first)."""

import os
import time
from pathlib import Path

from celery.signals import worker_ready

from somerset_safety.celery import app

__all__ = ["app"]


@worker_ready.connect
def _pause_at_a_phase(**kwargs):
    from somerset_safety.deadlines import reminders

    phase = os.environ.get("TEST_PAUSE_AT", "")
    if phase == "logging":
        batch_rows = reminders._batch_rows

        def slow_batch_rows(*args, **kwargs):
            time.sleep(0.3)
            return batch_rows(*args, **kwargs)

        reminders._batch_rows = slow_batch_rows
    elif phase == "handover":

        def stuck_before_hand_over():
            Path(os.environ["TEST_MARKER"]).write_text("logged")
            time.sleep(600)

        reminders.hand_over = stuck_before_hand_over
