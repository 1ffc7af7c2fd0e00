"""Point the Celery app at another broker inside a test, and back."""

from contextlib import contextmanager

from kombu import pools as kombu_pools

from somerset_safety.celery import app


def _drop_connections() -> None:
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    # The producer pool, and kombu's global pools keyed by connection, hold on to the old
    # connections: let them be made afresh too.
    app.amqp._producer_pool = None
    kombu_pools.reset()


@contextmanager
def broker(url: str, *, eager: bool = False):
    saved = {"CELERY_TASK_ALWAYS_EAGER": app.conf.task_always_eager, "CELERY_BROKER_URL": app.conf.broker_url}
    app.conf.update(CELERY_TASK_ALWAYS_EAGER=eager, CELERY_BROKER_URL=url)
    _drop_connections()
    try:
        yield app
    finally:
        app.conf.update(saved)
        _drop_connections()
