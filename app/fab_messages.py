"""Messages Flask-AppBuilder shows on our pages but its own zh catalog lacks.

FAB passes these through gettext, yet its zh catalog has no entry for them or
only a fuzzy one (fuzzy entries are not compiled), so Chinese pages would show
English. Listing them here puts them in our catalog, which Flask-Babel consults
after FAB's and so fills its gaps. Nothing imports this module: ``N_`` only marks
the strings for extraction (keyword ``N_`` in app/translations.py).

Only messages reachable with our configuration (database login, SQLAlchemy
models, password complexity on) are listed; the msgids must match FAB's exactly.
"""

from __future__ import annotations


def N_(message: str) -> str:
    return message


# List, show, edit and add pages (templates/appbuilder/general/lib.html)
N_("Add")
N_("Edit")
N_("Show")
N_("Delete")
N_("Are you sure you want to delete this item?")
N_("Database Error")
N_("Not a valid choice")

# Search filters for text columns (models/sqla/filters.py)
N_("In")
N_("Not In")

# Password complexity (FAB_PASSWORD_COMPLEXITY_ENABLED)
N_(
    "Must have at least two capital letters, one special character, two digits, three lower case letters"
    " and a minimal length of 10."
)

# Security screens: users, groups, roles, profile (security/views.py, security/forms.py)
N_("Groups")
N_("List Groups")
N_("Show Group")
N_("Add Group")
N_("Edit Group")
N_("Either select a role or a group")
N_("The user's password for authentication")
N_("It's not a good policy to remove a user, just make it inactive")
N_("The user group on the application, this will associate with a list of roles associated with the group")
N_("User(s) exists in the role, cannot delete")
N_("User(s) exists in the group, cannot delete")
N_("Edit User Information")
N_("User information changed")

# Entries FAB's zh catalog has but words wrongly; ours come later in the search
# order and win. "以开始" reads as "begins with (nothing)"; the integrity error
# is about duplicates, not missing fields.
N_("Starts with")
N_("Ends with")
N_("Not Starts with")
N_("Not Ends with")
N_("Integrity error, probably unique constraint")
N_("List View Menus")
N_("Is Active?")
