"""Stages and moving projects through them."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from crm.audit import services as audit
from crm.common.records import commit_or_conflict
from crm.common.time import utcnow
from crm.errors import ServiceError
from crm.extensions import db
from crm.pipeline.models import Stage, StageTransition
from crm.webhooks import events as webhooks

# code, English, French, Arabic, is_exit
DEFAULT_STAGES = [
    ("identified", "Identified", "Identifié", "مرصود"),
    ("contacted", "Contacted", "Contacté", "تم التواصل"),
    ("applied", "Applied", "Candidature déposée", "قدّم ترشيحه"),
    ("assessed", "Assessed", "Évalué", "تم التقييم"),
    ("incubated", "Incubated", "Incubé", "في الاحتضان"),
    ("accelerated", "Accelerated", "Accéléré", "في التسريع"),
    ("alumni", "Alumni", "Alumni", "خريج"),
    ("declined", "Declined", "Non retenu", "غير مقبول"),
    ("withdrawn", "Withdrawn", "Désisté", "انسحب"),
]
EXIT_CODES = {"declined", "withdrawn"}


def ensure_default_stages() -> None:
    """Create the default pipeline where it is missing (idempotent)."""
    existing = set(db.session.scalars(db.select(Stage.code)))
    for position, (code, en, fr, ar) in enumerate(DEFAULT_STAGES, start=1):
        if code not in existing:
            db.session.add(Stage(code=code, position=position * 10, name_en=en, name_fr=fr,
                                 name_ar=ar, is_exit=code in EXIT_CODES,
                                 stale_after_days=_default_stale_after(code)))
    db.session.commit()


def _default_stale_after(code: str, is_exit: bool = False) -> int | None:
    """90 days in the pipeline; never flagged once out of it (exit stages, alumni)."""
    return None if is_exit or code in EXIT_CODES or code == "alumni" else 90


def list_stages(active_only: bool = True) -> list[Stage]:
    query = db.select(Stage).order_by(Stage.is_exit, Stage.position)
    if active_only:
        query = query.where(Stage.active.is_(True))
    return list(db.session.scalars(query))


def get_stage(code: str) -> Stage:
    stage = db.session.scalar(db.select(Stage).where(Stage.code == code))
    if stage is None:
        raise LookupError(code)
    return stage


def move_project(actor, project, to_stage: Stage, note: str = "", at: datetime | None = None,
                 expected_version: int | None = None):
    """Move a project to another stage, keeping the transition (an exit needs a reason)."""
    from crm.common.records import check_version

    check_version(project, expected_version)
    note = (note or "").strip()
    if project.archived_at is not None:
        raise ServiceError(_l("An archived project cannot change stage. Restore it first."))
    if to_stage.id == project.stage_id:
        raise ServiceError(_l("The project is already at this stage."))
    if not to_stage.active:
        raise ServiceError(_l("This stage is no longer in use."))
    if to_stage.is_exit and not note:
        raise ServiceError(_l("Give the reason why the project leaves the pipeline."),
                           field="note")
    at = at or utcnow()
    _close_current_stay(project, at)
    transition = StageTransition(project=project, from_stage_id=project.stage_id,
                                 to_stage=to_stage, at=at, by_id=actor.id if actor else None,
                                 note=note)
    db.session.add(transition)
    audit.record(actor, "stage", "project", project.id,
                 {"stage": [project.stage.code, to_stage.code], "note": [None, note or None]})
    project.stage = to_stage
    project.stage_entered_at = at
    project.last_activity_at = max(project.last_activity_at or at, at)
    webhooks.emit("project.moved", project)
    commit_or_conflict(project)
    return transition


def _close_current_stay(project, at: datetime) -> None:
    """The transition into the stage the project leaves now records when it left."""
    current = db.session.scalars(
        db.select(StageTransition).where(StageTransition.project_id == project.id,
                                         StageTransition.left_at.is_(None))
        .order_by(StageTransition.at.desc(), StageTransition.id.desc()).limit(1)).first()
    if current is not None:
        current.left_at = at


@dataclass
class StageStay:
    stage: Stage
    entered: datetime
    left: datetime | None
    by: object
    note: str

    @property
    def days(self) -> int:
        return ((self.left or utcnow()) - self.entered).days


def stage_history(project) -> list[StageStay]:
    """Each stage the project went through, with when it entered, left and how long it stayed."""
    transitions = sorted(project.transitions, key=lambda t: (t.at, t.id))
    stays = []
    for index, transition in enumerate(transitions):
        left = transitions[index + 1].at if index + 1 < len(transitions) else None
        stays.append(StageStay(transition.to_stage, transition.at, left, transition.by,
                               transition.note))
    return stays


def _projects_at(stage: Stage) -> int:
    """Projects at `stage`, archived ones included (restoring one must not strand it)."""
    from crm.projects.models import Project

    return db.session.scalar(
        db.select(db.func.count(Project.id)).where(Project.stage_id == stage.id)) or 0


def update_stage(actor, stage: Stage, **data) -> None:
    """Rename, reorder or (de)activate a stage (admin)."""
    for field in ("name_ar", "name_fr", "name_en"):
        if not (data.get(field) or "").strip():
            raise ServiceError(_l("A stage needs a name in each language."), field=field)
    days = data.get("stale_after_days")
    if days is not None and not 1 <= days <= 3650:
        raise ServiceError(_l("Give a number of days from 1 to 3,650, or leave it empty."),
                           field="stale_after_days")
    if stage.active and data.get("active") is False and _projects_at(stage):
        raise ServiceError(_l("Projects are at this stage: move them to another stage before "
                              "deactivating it."), field="active")
    changes = audit.apply_changes(stage, data)
    if changes:
        audit.record(actor, "update", "stage", stage.id, changes)
    db.session.commit()


def create_stage(actor, code: str, name_ar: str, name_fr: str, name_en: str, position: int,
                 is_exit: bool = False) -> Stage:
    code = code.strip().lower()
    if db.session.scalar(db.select(Stage).where(Stage.code == code)):
        raise ServiceError(_l("A stage with this code already exists."), field="code")
    stage = Stage(code=code, name_ar=name_ar.strip(), name_fr=name_fr.strip(),
                  name_en=name_en.strip(), position=position, is_exit=is_exit,
                  stale_after_days=_default_stale_after(code, is_exit))
    db.session.add(stage)
    db.session.flush()
    audit.record(actor, "create", "stage", stage.id, audit.snapshot(
        stage, ["code", "name_ar", "name_fr", "name_en", "position", "is_exit"]))
    db.session.commit()
    return stage
