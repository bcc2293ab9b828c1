"""SQLAlchemy models, one module per domain area, all on FAB's ``Model.metadata``.

Importing this package maps every model, which Alembic and the app factory need.
"""

from models.base import Model  # noqa: F401  (first: sets the naming convention)
from models.organisations import Customer, Vendor  # noqa: F401
from models.users import UserAccount  # noqa: F401
