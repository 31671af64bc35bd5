"""How often a client may knock on a public endpoint: requests counted in fixed one-minute windows in Django's
cache, per key (a client address, a token). With the default per-process cache each gunicorn worker counts on its
own, so a client gets at most the limit times the number of workers."""

from django.core.cache import cache
from django.utils import timezone


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def hits_this_minute(key: str) -> int:
    """Count a request under the key for the current minute; returns the count so far, this one included."""
    key = f"{key}:{int(timezone.now().timestamp() // 60)}"
    cache.add(key, 0, timeout=60)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=60)
        return 1
