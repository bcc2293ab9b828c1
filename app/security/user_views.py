"""FAB's user screens extended with the preferred language and the organisation link."""

from __future__ import annotations

from flask import flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.security.forms import UserInfoEdit
from flask_appbuilder.security.views import UserDBModelView, UserInfoEditView
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectField
from wtforms.validators import DataRequired

from app.display import LabelledBlankChoices, blank_if_none, default_formatters, language_name, role_labels
from app.domain.errors import DomainError, ValidationError
from app.security.organisation_rules import check_user_organisation
from app.security.scoping import scoped_base_filters
from models.base import utcnow
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
        "created_by": blank_if_none,  # FAB's audit columns: empty for seeded accounts
        "changed_by": blank_if_none,
    }
    list_columns = ["first_name", "last_name", "username", "email", "active", "roles", "organisation"]
    order_columns = ["first_name", "last_name", "username", "email", "active"]  # not "organisation", a property
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

    def process_form(self, form, is_created) -> None:
        """Note whether this save deactivates an active account (before the form is applied:
        loading the roles later autoflushes, and the old value would be gone)."""
        super().process_form(form, is_created)
        if not is_created and "active" in form and not form.active.data:
            user = self.datamodel.session.get(UserAccount, form._id)
            g.deactivating_user = bool(user is not None and user.active)

    def pre_update(self, item) -> None:
        if getattr(g, "deactivating_user", False):
            self._refuse_deactivating_with_open_work(item)
        super().pre_update(item)
        check_user_organisation(item)

    def _refuse_deactivating_with_open_work(self, item) -> None:
        """Deactivating an account that still holds open work would strand it: move it first."""
        from app.domain.handover import open_work

        session = self.datamodel.session
        work, name = open_work(session, item.id), item.get_full_name()
        if work:
            session.rollback()  # the form was applied (and autoflushed) already: undo it
            raise ValidationError(
                _(
                    "%(user)s still has %(requests)d open requests and %(work_orders)d open work orders. "
                    "Use “Hand over open work” on the account's page to move them, then deactivate.",
                    user=name,
                    requests=len(work.requests),
                    work_orders=len(work.work_orders),
                )
            )

    show_template = "desk/user_show.html"

    @expose("/handover/<int:pk>", methods=["GET", "POST"])
    @has_access
    def handover(self, pk: int):
        """Ask where a leaving user's open work goes, move it, then deactivate the account."""
        from app.domain.handover import hand_over, open_work
        from app.domain.work_orders import roles_of

        session = self.datamodel.session
        leaving = session.get(UserAccount, pk)
        if leaving is None:
            return self.render_template("servicedesk/error.html", message=_("No such account.")), 404
        candidates = session.scalars(
            select(UserAccount)
            .where(UserAccount.active.is_(True), UserAccount.id != pk)
            .where(UserAccount.vendor_id.is_(None), UserAccount.customer_id.is_(None))
            .order_by(UserAccount.username)
        ).all()
        candidates = [user for user in candidates if "Engineer" in {role.name for role in user.roles}]
        if request.method == "POST":
            target = next((user for user in candidates if str(user.id) == request.form.get("to_user")), None)
            try:
                moved = hand_over(
                    session, leaving, to_user=target, actor=g.user, roles=roles_of(g.user), now=utcnow(), translate=_
                )
                if request.form.get("deactivate"):
                    leaving.active = False
                session.commit()
            except DomainError as error:
                session.rollback()
                message = getattr(error, "message", None)
                params = getattr(error, "params", None) or {}
                flash(_(message, **{k: str(v) for k, v in params.items()}) if message else str(error), "danger")
            else:
                flash(
                    _(
                        "%(requests)d requests and %(work_orders)d work orders moved to %(user)s.",
                        requests=len(moved.requests),
                        work_orders=len(moved.work_orders),
                        user=target.get_full_name(),
                    ),
                    "success",
                )
                return redirect(url_for(f"{type(self).__name__}.show", pk=pk))
        return self.render_template(
            "desk/handover.html",
            title=_("Hand over open work"),
            leaving=leaving,
            work=open_work(session, pk),
            candidates=candidates,
        )


class ProfileForm(UserInfoEdit):
    preferred_language = SelectField(
        _l("Preferred language"), choices=language_choices(), validators=[DataRequired()], widget=Select2Widget()
    )


class ProfileEditView(UserInfoEditView):
    """Users edit their own name and preferred language (applies from the next page)."""

    form: type[DynamicForm] = ProfileForm
