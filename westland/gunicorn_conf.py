"""gunicorn's settings for the portal: its error and access log in the portal's one log format.

Use with ``gunicorn --config python:westland.gunicorn_conf westland.wsgi:application``.
LOG_FORMAT and LOG_LEVEL are read as Django's settings read them (the environment, then
the project's ``.env``), so gunicorn's own lines and the portal's look the same.
"""

from pathlib import Path

import environ

from westland import logs

env = environ.Env()
environ.Env.read_env(Path(__file__).resolve().parent.parent / ".env", overwrite=False)

# The same dictConfig as Django's LOGGING: one handler on standard error, the same
# formatter, the request id (for the access log: the X-Request-ID the portal returned).
logconfig_dict = logs.config(env.str("LOG_LEVEL", default="INFO"), env.str("LOG_FORMAT", default="plain").lower())
loglevel = env.str("LOG_LEVEL", default="INFO").lower()
access_log_format = logs.ACCESS_LOG_FORMAT
