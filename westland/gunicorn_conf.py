"""gunicorn's settings for the portal: its error and access log in the portal's one log format.

Use with ``gunicorn --config python:westland.gunicorn_conf westland.wsgi:application``.
LOG_FORMAT and LOG_LEVEL are read as Django's settings read them (westland.logs).
"""

import os

from westland import logs

# The same dictConfig as Django's LOGGING: one handler on standard error, the same
# formatter, the request id (for the access log: the X-Request-ID the portal returned).
logconfig_dict = logs.config(os.environ.get("LOG_LEVEL", "INFO"), os.environ.get("LOG_FORMAT", "plain"))
loglevel = os.environ.get("LOG_LEVEL", "INFO").lower()
access_log_format = logs.ACCESS_LOG_FORMAT
