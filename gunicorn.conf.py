"""gunicorn's settings for `make serve`, from the environment (see the README).

HOST and PORT say where to listen (127.0.0.1:8000 by default: a load balancer or
TLS proxy on the same machine; 0.0.0.0 to take connections from others);
WEB_CONCURRENCY how many worker processes (2 x cores + 1 by default).
"""

import multiprocessing
import os

_host = os.environ.get("HOST", "127.0.0.1")
_port = os.environ.get("PORT", "8000")
bind = f"[{_host}]:{_port}" if ":" in _host else f"{_host}:{_port}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
wsgi_app = "cep_portal.wsgi:application"
# A request that takes longer is a bug or a stuck database: the worker is replaced.
timeout = 60
graceful_timeout = 30
# Access log on standard output (ACCESS_LOG="" turns it off, as benchmarks do),
# errors on standard error, for the service manager.
accesslog = os.environ.get("ACCESS_LOG", "-") or None
errorlog = "-"
# No runtime control socket: one per user's home would be shared by every instance
# on the machine, and nothing here uses it.
control_socket_disable = True
