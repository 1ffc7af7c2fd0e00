"""Workers say they are alive by refreshing a short-lived key in Redis; the health check counts
the keys. One bounded round trip, and a worker that dies drops out within HEARTBEAT_TTL
seconds — unlike a broadcast ping, which misses busy workers and waits for replies."""

import time

import redis
from django.conf import settings

HEARTBEAT_PREFIX = "safer-somerset:worker-alive:"
HEARTBEAT_EVERY = 10
HEARTBEAT_TTL = 30
TIMEOUT_SECONDS = 1


def client() -> redis.Redis:
    return redis.Redis.from_url(
        settings.REDIS_URL, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS
    )


def worker_alive(hostname: str) -> None:
    client().set(HEARTBEAT_PREFIX + hostname, int(time.time()), ex=HEARTBEAT_TTL)


def worker_stopped(hostname: str) -> None:
    client().delete(HEARTBEAT_PREFIX + hostname)


def broker_and_workers() -> tuple[bool, int]:
    """Whether the broker answers, and how many workers have said they are alive lately."""
    try:
        connection = client()
        if not connection.ping():
            return False, 0
        return True, sum(1 for _ in connection.scan_iter(match=HEARTBEAT_PREFIX + "*", count=1000))
    except redis.RedisError:
        return False, 0
