"""Domain errors: raised by rules, turned into a flash message or a 4xx by the views.

Messages are already translated by the caller's locale (``gettext`` at raise time)
or lazy strings; views show ``str(error)``.
"""


class DomainError(Exception):
    """A rule refused the operation; nothing was changed."""


class ValidationError(DomainError):
    """Input breaks a rule (a missing field, an inconsistent combination)."""


class PermissionDenied(DomainError):
    """The acting user may not do this to this record."""


class Msgid(str):
    """A refusal's parameter that is itself a msgid: the view translates it before formatting."""
