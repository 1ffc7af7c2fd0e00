"""gunicorn's settings for the web service (docker-compose.yml and the Dockerfile use this file).

Proxy headers (X-Forwarded-Proto, X-Forwarded-For) are believed only from the load balancers
named in TRUSTED_PROXIES — the same list the audit log's client address believes — and, with
none named, only from this machine (gunicorn's own default). Never "*": anyone who can reach
the port could then say the request came over HTTPS or from any address.
"""

import os

_proxies = [part.strip() for part in os.environ.get("TRUSTED_PROXIES", "").split(",") if part.strip()]
forwarded_allow_ips = ",".join(_proxies) or "127.0.0.1,::1"
