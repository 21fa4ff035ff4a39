"""/api/v1/forums and /api/v1/participations: list and read (staff); create and change an
edition, add a session to it, list a person in a session, change or remove that listing, by
those who manage forums, as the forum pages do."""

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields

from crm.api.auth import actor, api_require
from crm.api.common import live_record
from crm.api.fields import ApiSchema, enum, record_id, text, version
from crm.api.paging import found, one_response
from crm.api.readonly import columns_schema, read_only
from crm.forums import services
from crm.forums.models import Forum, ForumSession, Participation, ParticipationRole, SessionKind
from crm.people.services import get_person

ForumOut = columns_schema(Forum, "Forum")
SessionOut = columns_schema(ForumSession, "ForumSession")
ParticipationOut = columns_schema(Participation, "Participation")
bp = read_only("forums", "forums", Forum, "forum.view",
               "Forum editions: created, and given sessions, by those who manage forums.",
               schema=ForumOut)
participations_bp = read_only(
    "participations", "participations", Participation, "forum.view",
    "Who took part in which forum session, and whether they attended; listed by those who "
    "manage forums.",
    {"person_id": Participation.person_id, "session_id": Participation.session_id},
    schema=ParticipationOut)


def _edition_number(value: int) -> None:
    """The edition form's bounds, with its message."""
    if not 1 <= value <= 999:
        raise ValidationError(_l("A whole number from 1 to 999."))


class ForumCreate(ApiSchema):
    name = text(Forum.name, required=True)
    held_on = fields.Date(required=True)
    number = fields.Integer(strict=True, allow_none=True, validate=[_edition_number],
                            metadata={"minimum": 1, "maximum": 999})
    city = text(Forum.city)
    theme = text(length=2000)


class ForumUpdate(ApiSchema):
    name = text(Forum.name)
    held_on = fields.Date()
    number = fields.Integer(strict=True, allow_none=True, validate=[_edition_number],
                            metadata={"minimum": 1, "maximum": 999})
    city = text(Forum.city)
    theme = text(length=2000)
    version = version(required=True)


class SessionCreate(ApiSchema):
    kind = enum(SessionKind, required=True)
    name_fr = text(length=200, required=True)
    name_ar = text(length=200)
    name_en = text(length=200)


class ParticipationCreate(ApiSchema):
    session_id = record_id(required=True)
    person_id = record_id(required=True)
    role = enum(ParticipationRole, load_default=ParticipationRole.PARTICIPANT)
    attended = fields.Boolean(load_default=True, metadata={"description": "As the page ticks."})


class ParticipationUpdate(ApiSchema):
    role = enum(ParticipationRole)
    attended = fields.Boolean()


def _forum(forum_id: int) -> Forum:
    """Forums have no owner: anyone allowed `forum.manage` may change any of them."""
    return found(services.get_forum(forum_id))


@bp.post("", endpoint="create_forum")
@api_require("forum.manage")
@bp.arguments(ForumCreate)
@bp.response(201, ForumOut)
def create_forum(data: dict):
    """A new forum edition; its sessions are added next."""
    forum = services.create_forum(actor(), data.pop("name"), data.pop("held_on"), **data)
    return one_response(forum, ForumOut(), 201)


def _participation(participation_id: int) -> Participation:
    return found(services.get_participation(participation_id))


@bp.patch("/<int:forum_id>", endpoint="update_forum")
@api_require("forum.manage", record=_forum)
@bp.arguments(ForumUpdate)
@bp.response(200, ForumOut)
def update_forum(data: dict, forum_id: int):
    """Change the fields sent; `version` is the one read (409 when it is stale)."""
    forum = _forum(forum_id)
    services.update_forum(actor(), forum, data.pop("version"), **data)
    return one_response(forum, ForumOut())


@bp.post("/<int:forum_id>/sessions", endpoint="add_session")
@api_require("forum.manage", record=_forum)
@bp.arguments(SessionCreate)
@bp.response(201, SessionOut)
def add_session(data: dict, forum_id: int):
    """A session placed after the edition's last one, named in up to three languages."""
    session = services.add_session(actor(), _forum(forum_id), data.pop("kind"),
                                   data.pop("name_fr"), **data)
    return one_response(session, SessionOut(), 201)


@participations_bp.post("", endpoint="add_participation")
@api_require("forum.manage")
@participations_bp.arguments(ParticipationCreate)
@participations_bp.response(201, ParticipationOut)
def add_participation(data: dict):
    """List a live person in a session once (a second listing is a 422): the forum's
    figures and reports count them from then on."""
    session = live_record(services.get_session, data["session_id"], "session_id")
    person = live_record(get_person, data["person_id"], "person_id")
    participation = services.add_participation(actor(), session, person, data["role"],
                                               data["attended"])
    return one_response(participation, ParticipationOut(), 201)


@participations_bp.patch("/<int:participation_id>", endpoint="change_participation")
@api_require("forum.manage", record=_participation)
@participations_bp.arguments(ParticipationUpdate)
@participations_bp.response(200, ParticipationOut)
def change_participation(data: dict, participation_id: int):
    """Another role in the session, or whether the person attended (the fields sent)."""
    participation = _participation(participation_id)
    services.change_participation(actor(), participation, **data)
    return one_response(participation, ParticipationOut())


@participations_bp.delete("/<int:participation_id>", endpoint="remove_participation")
@api_require("forum.manage", record=_participation)
@participations_bp.response(204)
def remove_participation(participation_id: int):
    """Take the person off the session's list (the person stays; follow-ups made from the
    listing stay, unlinked from it)."""
    services.remove_participation(actor(), _participation(participation_id))
    return "", 204
