"""FAB's user screens extended with the preferred language and the organisation link."""

from __future__ import annotations

from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.security.forms import UserInfoEdit
from flask_appbuilder.security.views import UserDBModelView, UserInfoEditView
from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import DataRequired

from app.display import LabelledBlankChoices, blank_if_none, default_formatters, language_name, role_labels
from app.security.organisation_rules import check_user_organisation
from app.security.scoping import scoped_base_filters
from models.users import LANGUAGE_NAMES, UserAccount

ORGANISATION_FIELDS = ["preferred_language", "vendor", "customer"]


def language_choices() -> list[tuple[str, str]]:
    return list(LANGUAGE_NAMES.items())


class UserAccountView(LabelledBlankChoices, UserDBModelView):
    """Admins' user list: adds language and the vendor/customer the account belongs to."""

    base_filters = scoped_base_filters()
    formatters_columns = {
        **default_formatters(UserAccount),
        "preferred_language": language_name,
        "organisation": blank_if_none,
        "roles": role_labels,
    }
    list_columns = ["first_name", "last_name", "username", "email", "active", "roles", "organisation"]
    add_columns = UserDBModelView.add_columns + ORGANISATION_FIELDS
    edit_columns = UserDBModelView.edit_columns + ORGANISATION_FIELDS
    show_fieldsets = [
        (
            _l("User info"),
            {"fields": ["username", "active", "roles", "preferred_language", "organisation", "login_count"]},
        ),
        *UserDBModelView.show_fieldsets[1:],
    ]
    user_show_fieldsets = [
        (_l("User info"), {"fields": ["username", "roles", "preferred_language", "organisation"]}),
        *UserDBModelView.user_show_fieldsets[1:],
    ]
    label_columns = {
        **UserDBModelView.label_columns,
        "preferred_language": _l("Preferred language"),
        "vendor": _l("Service vendor"),
        "customer": _l("Customer"),
        "organisation": _l("Organisation"),
    }
    description_columns = {
        **UserDBModelView.description_columns,
        "vendor": _l("Required for accounts with the Vendor role; they see only this vendor's records"),
        "customer": _l("Required for accounts with the Customer role; they see only this customer's records"),
    }
    edit_form_extra_fields = {
        "preferred_language": SelectField(
            _l("Preferred language"),
            choices=language_choices(),
            default="zh",
            validators=[DataRequired()],
            widget=Select2Widget(),
        )
    }
    add_form_extra_fields = {**UserDBModelView.add_form_extra_fields, **edit_form_extra_fields}

    def pre_add(self, item) -> None:
        super().pre_add(item)
        check_user_organisation(item)

    def pre_update(self, item) -> None:
        super().pre_update(item)
        check_user_organisation(item)


class ProfileForm(UserInfoEdit):
    preferred_language = SelectField(
        _l("Preferred language"), choices=language_choices(), validators=[DataRequired()], widget=Select2Widget()
    )


class ProfileEditView(UserInfoEditView):
    """Users edit their own name and preferred language (applies from the next page)."""

    form: type[DynamicForm] = ProfileForm
