"""The public satisfaction survey page (/survey/<token>): no login, one answer per link.

Shown in the contact's language unless ``?_l_=`` asks for another. An unknown and an expired
link get the same page, which names no request; an answered one says so. The form is
CSRF-protected like every other form (Flask-WTF).
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from app.domain.surveys import (
    COMMENT_MAX,
    RATINGS,
    SurveyRefused,
    SurveyState,
    answer_survey,
    find_survey,
    survey_state,
)
from app.extensions import db
from models.base import utcnow

bp = Blueprint("surveys", __name__)

RATING_LABELS = {
    1: _l("1 – very dissatisfied"),
    2: _l("2 – dissatisfied"),
    3: _l("3 – neutral"),
    4: _l("4 – satisfied"),
    5: _l("5 – very satisfied"),
}


class SurveyForm(FlaskForm):
    rating = RadioField(
        _l("How satisfied are you with how your request was handled?"),
        choices=[SelectChoice(value, RATING_LABELS[value]) for value in RATINGS],
        coerce=int,
        validate_choice=False,  # answer_survey words an out-of-range rating
        validators=[InputRequired(message=_l("Choose a rating from 1 to 5."))],
    )
    comment = TextAreaField(
        _l("Comment (optional)"),
        validators=[
            Optional(),
            Length(max=COMMENT_MAX, message=_l("The comment may be at most %(max)s characters long.", max=COMMENT_MAX)),
        ],
    )


def _language(survey) -> str:
    languages = current_app.config["LANGUAGES"]
    asked = request.args.get("_l_")
    if asked in languages:
        return asked
    contact = survey.request.contact if survey is not None else None
    preferred = getattr(contact, "preferred_language", None)
    if preferred in languages:
        return preferred
    return request.accept_languages.best_match(list(languages), default="zh")


@bp.route("/survey/<token>", methods=["GET", "POST"])
def answer(token: str):
    now = utcnow()
    survey = find_survey(db.session, token)
    state = survey_state(survey, now)
    language = _language(survey if state is SurveyState.OPEN else None)
    with force_locale(language):
        if state is SurveyState.ANSWERED:
            return render_template("desk/survey_done.html", language=language, already=True), 410
        if state is SurveyState.EXPIRED:
            return render_template("desk/survey_invalid.html", language=language), 404
        form = SurveyForm()
        error = None
        if form.validate_on_submit():
            try:
                answer_survey(db.session, survey, rating=form.rating.data, comment=form.comment.data, now=now)
            except SurveyRefused as refused:
                db.session.rollback()
                error = _(refused.message, **refused.params)
            else:
                db.session.commit()
                return render_template("desk/survey_done.html", language=language, already=False)
        return render_template(
            "desk/survey.html", form=form, service_request=survey.request, language=language, error=error
        )


def register(appbuilder) -> None:
    current_app.register_blueprint(bp)
