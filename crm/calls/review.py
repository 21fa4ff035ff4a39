"""Reviewing applications: the call's rubric, reviewers assigned to applications, their
scores, and the ranking of a call's applications by weighted score."""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from crm.audit import services as audit
from crm.auth.models import Role, User
from crm.auth.permissions import can_be_assigned
from crm.calls.models import LANGUAGES, Application, Call, Criterion, Review, Score
from crm.common.time import utcnow
from crm.errors import ServiceError
from crm.extensions import db

# -- the rubric -------------------------------------------------------------------------------


def add_criterion(actor, call: Call, data: dict) -> Criterion:
    if not any((data.get(f"label_{lang}") or "").strip() for lang in LANGUAGES):
        raise ServiceError(_l("Name the criterion in at least one language."),
                           field="label_fr")
    if data["scale_max"] not in (5, 10):
        raise ServiceError(_l("Choose a scale of 1 to 5 or 0 to 10."), field="scale_max")
    position = max((c.position for c in call.criteria), default=0) + 1
    texts = {f"{name}_{lang}": (data.get(f"{name}_{lang}") or "").strip()
             for name in ("label", "description") for lang in LANGUAGES}
    criterion = Criterion(call_id=call.id, position=position, weight=data["weight"],
                          scale_max=data["scale_max"], **texts)
    call.criteria.append(criterion)
    db.session.flush()
    audit.record(actor, "create", "call_criterion", criterion.id,
                 {"call_id": [None, call.id], "weight": [None, criterion.weight]})
    db.session.commit()
    return criterion


def remove_criterion(actor, call: Call, criterion: Criterion) -> None:
    scored = db.session.scalar(db.select(Score.id).where(Score.criterion_id == criterion.id)
                               .limit(1))
    if scored is not None:
        raise ServiceError(_l("Reviewers already scored this criterion: it cannot be "
                              "removed."))
    call.criteria.remove(criterion)
    audit.record(actor, "delete", "call_criterion", criterion.id, {"call_id": [call.id, None]})
    db.session.commit()


# -- reviewers --------------------------------------------------------------------------------

def may_review(user) -> bool:
    """Program officers, administrators and external reviewers, while their account is
    active."""
    return user is not None and user.active and (
        can_be_assigned(user) or user.role == Role.REVIEWER)


def reviewers() -> list[User]:
    """Who applications may be given to for review, by name."""
    query = (db.select(User).where(User.active.is_(True),
                                   User.role.in_([Role.ADMIN, Role.OFFICER, Role.REVIEWER]))
             .order_by(User.full_name, User.email))
    return [user for user in db.session.scalars(query) if may_review(user)]


def assign(actor, application: Application, reviewer) -> Review:
    if not may_review(reviewer):
        raise ServiceError(_l("Reviews are given to program officers, administrators and "
                              "external reviewers."), field="reviewer_id")
    if any(r.reviewer_id == reviewer.id for r in application.reviews):
        raise ServiceError(_l("%(name)s already reviews this application.",
                              name=reviewer.display_name), field="reviewer_id")
    review = Review(reviewer_id=reviewer.id, assigned_by_id=actor.id)
    application.reviews.append(review)
    db.session.flush()
    audit.record(actor, "update", "application", application.id,
                 {"reviewer_added": [None, reviewer.display_name]})
    db.session.commit()
    return review


def unassign(actor, review: Review) -> None:
    if review.submitted_at is not None:
        raise ServiceError(_l("This review was submitted: it is kept."))
    application = review.application
    audit.record(actor, "update", "application", application.id,
                 {"reviewer_removed": [review.reviewer.display_name, None]})
    application.reviews.remove(review)
    db.session.commit()


def review_of(application: Application, user) -> Review | None:
    return next((r for r in application.reviews if r.reviewer_id == user.id), None)


def reviews_of(user) -> list[Review]:
    """The reviews given to `user`, those still to submit first."""
    return list(db.session.scalars(
        db.select(Review).where(Review.reviewer_id == user.id)
        .options(db.joinedload(Review.application).joinedload(Application.call))
        .order_by(Review.submitted_at.is_not(None), Review.id.desc())))


def sees_scores(application: Application, user) -> bool:
    """Reviewers see the others' scores once they submitted their own; the rest of the team
    always sees them."""
    mine = review_of(application, user)
    return mine is None or mine.submitted_at is not None


def submit_review(review: Review, criteria: list[Criterion], values: dict[int, int],
                  comment: str, conflict: bool) -> None:
    """Score every criterion (or declare a conflict of interest) and submit, once."""
    if review.submitted_at is not None:
        raise ServiceError(_l("This review was already submitted."))
    if not conflict:
        for criterion in criteria:
            value = values.get(criterion.id)
            if value is None or not criterion.scale_min <= value <= criterion.scale_max:
                raise ServiceError(_l("Score every criterion."), field=f"score_{criterion.id}")
        review.scores = [Score(criterion_id=c.id, value=values[c.id]) for c in criteria]
    review.conflict, review.comment, review.submitted_at = conflict, comment, utcnow()
    audit.record(review.reviewer, "update", "application", review.application_id,
                 {"review_submitted": [None, review.reviewer.display_name]})
    db.session.commit()


# -- ranking ----------------------------------------------------------------------------------

def weighted_score(review: Review, criteria: list[Criterion]) -> float | None:
    """The review's score out of 100: each criterion on its scale, weighted."""
    values = {score.criterion_id: score.value for score in review.scores}
    if review.conflict or not criteria or any(c.id not in values for c in criteria):
        return None
    total = sum(c.weight * (values[c.id] - c.scale_min) / (c.scale_max - c.scale_min)
                for c in criteria)
    return 100 * total / sum(c.weight for c in criteria)


@dataclass
class Ranked:
    application: Application
    scores: list[float] = field(default_factory=list)  # of the submitted reviews
    missing: int = 0  # reviews assigned and not submitted
    conflicts: int = 0

    @property
    def score(self) -> float | None:
        return sum(self.scores) / len(self.scores) if self.scores else None

    @property
    def spread(self) -> float | None:
        return max(self.scores) - min(self.scores) if len(self.scores) > 1 else None


def ranking(call: Call) -> list[Ranked]:
    """The call's applications, best weighted score first; those not scored yet last."""
    applications = db.session.scalars(
        db.select(Application).where(Application.call_id == call.id)
        .options(db.selectinload(Application.reviews).selectinload(Review.scores)))
    ranked = []
    for application in applications:
        row = Ranked(application)
        for review in application.reviews:
            if review.submitted_at is None:
                row.missing += 1
            elif review.conflict:
                row.conflicts += 1
            elif (score := weighted_score(review, call.criteria)) is not None:
                row.scores.append(score)
        ranked.append(row)
    return sorted(ranked, key=lambda r: (r.score is None, -(r.score or 0),
                                         r.application.id))
