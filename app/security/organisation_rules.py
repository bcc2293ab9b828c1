"""Consistency between an account's roles and its organisation.

A Vendor-role account must name its vendor and a Customer-role account its
customer; otherwise scoping would show them nothing and the admin would not know
why. Staff accounts carry no organisation.
"""

from __future__ import annotations

from flask_babel import gettext as _

from app.domain.errors import ValidationError
from app.security.scoping import CUSTOMER_ROLE, VENDOR_ROLE


def check_user_organisation(user) -> None:
    roles = {role.name for role in user.roles}
    if VENDOR_ROLE in roles and CUSTOMER_ROLE in roles:
        raise ValidationError(_("An account cannot have both the Vendor and the Customer role."))
    if VENDOR_ROLE in roles and user.vendor is None:
        raise ValidationError(_("Choose the service vendor this Vendor account belongs to."))
    if CUSTOMER_ROLE in roles and user.customer is None:
        raise ValidationError(_("Choose the customer this Customer account belongs to."))
    if VENDOR_ROLE not in roles and user.vendor is not None:
        raise ValidationError(_("Only accounts with the Vendor role can belong to a service vendor."))
    if CUSTOMER_ROLE not in roles and user.customer is not None:
        raise ValidationError(_("Only accounts with the Customer role can belong to a customer."))
