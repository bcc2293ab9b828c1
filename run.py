"""Entry point: ``flask --app run ...`` and ``gunicorn run:app`` both use ``app``.

A configuration error prints one line naming the variable and exits with status 4,
which gunicorn treats as "app failed to load" and stops instead of restarting workers.
"""

import sys

from config import ConfigError

try:
    from app import create_app

    app = create_app()
except ConfigError as error:
    print(f"Configuration error — {error.variable}: {error.problem}", file=sys.stderr)
    sys.exit(4)
