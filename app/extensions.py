"""Extension objects without an app: each ``create_app`` binds them with ``init_app``.

None of these holds per-app state at module level, so two apps in one process work.
FAB's AppBuilder is deliberately absent: it is created inside ``create_app``.
"""

from flask_appbuilder.models.sqla.base import SQLA
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

db = SQLA()
migrate = Migrate()
csrf = CSRFProtect()
