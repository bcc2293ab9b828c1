"""What still refers to a record, so a delete can be refused with a message naming it.

Deactivate, don't delete: a catalog row that anything references keeps existing
(old records show it); deleting it is refused with "used by 3 assets, 1 contract".
Rows owned by the record (an SLA's targets, link rows with ON DELETE CASCADE)
go with it and do not count.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Table, func, inspect, select
from sqlalchemy.orm import Session

from models.base import Model

TABLE_LABELS = {
    "ab_user": _l("user accounts"),
    "asset": _l("assets"),
    "asset_model": _l("asset models"),
    "attachment": _l("attachments"),
    "business_calendar": _l("business calendars"),
    "calendar_day": _l("calendar days"),
    "contact": _l("contacts"),
    "contract": _l("contracts"),
    "customer": _l("customers"),
    "engineer_profile": _l("engineer profiles"),
    "engineer_skill": _l("engineer profiles"),
    "entitlement_charge": _l("entitlement charges"),
    "escalation_event": _l("escalations"),
    "escalation_rule": _l("escalation rules"),
    "escalation_rule_category": _l("escalation rules"),
    "escalation_rule_sla": _l("escalation rules"),
    "escalation_rule_user": _l("escalation rules"),
    "expense": _l("expenses"),
    "mail_outbox": _l("mails"),
    "notification": _l("notifications"),
    "request_note": _l("request notes"),
    "satisfaction_survey": _l("satisfaction surveys"),
    "service_category": _l("service categories"),
    "service_request": _l("service requests"),
    "site": _l("sites"),
    "sla": _l("SLAs"),
    "sla_asset_model": _l("SLAs"),
    "sla_category": _l("SLAs"),
    "sla_change": _l("SLA clock changes"),
    "sla_customer": _l("SLAs"),
    "sla_pause": _l("SLA pauses"),
    "spare_part": _l("spare parts"),
    "spare_part_asset_model": _l("spare parts"),
    "stock_level": _l("stock levels"),
    "stock_movement": _l("stock movements"),
    "support_group": _l("support groups"),
    "support_group_member": _l("support groups"),
    "support_group_region": _l("support groups"),
    "support_group_skill": _l("support groups"),
    "time_entry": _l("time entries"),
    "vendor": _l("service vendors"),
    "vendor_contact": _l("vendor contacts"),
    "vendor_region": _l("service vendors"),
    "vendor_skill": _l("service vendors"),
    "warehouse": _l("warehouses"),
    "work_order": _l("work orders"),
}


def _owned_tables(obj: Any) -> set[Table]:
    """Tables whose rows are deleted together with ``obj`` by an ORM cascade."""
    return {rel.target for rel in inspect(obj).mapper.relationships if rel.cascade.delete and rel.secondary is None}


def references_to(session: Session, obj: Any) -> list[tuple[str, int]]:
    """[(label, count)] of rows that refer to ``obj``, most first."""
    table = obj.__table__
    owned = _owned_tables(obj)
    counts: dict[str, int] = {}
    for other in Model.metadata.sorted_tables:
        if other in owned:
            continue
        for fk in other.foreign_keys:
            if fk.column.table is not table or (fk.ondelete or "").upper() == "CASCADE":
                continue
            stmt = select(func.count()).select_from(other).where(fk.parent == obj.id)
            if other is table:
                stmt = stmt.where(other.c.id != obj.id)
            count = session.execute(stmt).scalar_one()
            if count:
                label = str(TABLE_LABELS.get(other.name, other.name))
                counts[label] = counts.get(label, 0) + count
    return sorted(counts.items(), key=lambda item: -item[1])
