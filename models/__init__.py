"""SQLAlchemy models, one module per domain area, all on FAB's ``Model.metadata``.

Importing this package maps every model, which Alembic and the app factory need.
"""

from models.assets import Asset, AssetModel  # noqa: F401
from models.base import Model  # noqa: F401  (first: sets the naming convention)
from models.calendars import Calendar, CalendarDay  # noqa: F401
from models.contracts import Contract, EntitlementCharge  # noqa: F401
from models.escalation import EscalationEvent, EscalationRule  # noqa: F401
from models.history import ChangeLog  # noqa: F401
from models.jobs import JobRun  # noqa: F401
from models.notifications import MailAttachment, MailOutbox, Notification  # noqa: F401
from models.organisations import Contact, Customer, Site, Vendor, VendorContact  # noqa: F401
from models.reference import Region, Skill  # noqa: F401
from models.service_catalog import PriorityCell, ServiceCategory  # noqa: F401
from models.service_requests import (  # noqa: F401
    Attachment,
    DeskSettings,
    DocumentCounter,
    RequestNote,
    SatisfactionSurvey,
    ServiceRequest,
)
from models.sla import SLA, SLATarget  # noqa: F401
from models.sla_clock import SLAChange, SLAPause  # noqa: F401
from models.stock import SparePart, StockLevel, StockMovement, Warehouse  # noqa: F401
from models.support import EngineerProfile, SupportGroup  # noqa: F401
from models.users import UserAccount  # noqa: F401
from models.work_orders import Expense, TimeEntry, WorkOrder  # noqa: F401
