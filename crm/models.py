"""Every domain's models, imported so Alembic, the shell and the tests see all tables."""

from crm.api.models import ApiRequest, ApiToken
from crm.audit.models import AuditEntry
from crm.auth.models import RecoveryCode, RememberedDevice, Role, User
from crm.bulk.models import BulkJob
from crm.calls.models import Answer, Application, Call, CallQuestion, Criterion, Review, Score
from crm.documents.models import Document
from crm.followups.models import FollowUp, FollowUpKind, FollowUpStatus
from crm.forums.models import Forum, ForumSession, Participation, ParticipationRole, SessionKind
from crm.funding.models import (
    CampaignUpdate,
    CrowdfundingCampaign,
    Funder,
    FunderKind,
    FundingOpportunity,
    Instrument,
    OpportunityStatus,
)
from crm.impact.models import (
    ImpactNote,
    ImpactTarget,
    Indicator,
    Measurement,
    MeasurementSource,
    Visibility,
)
from crm.imports.models import HeaderMapping, ImportJob, ImportRow, ImportStatus, RowStatus
from crm.interactions.models import Interaction, InteractionKind
from crm.invitations.models import Invitation, InvitationStatus
from crm.organizations.models import Membership, MembershipRole, Organization, OrganizationKind
from crm.people.models import Gender, Person
from crm.pipeline.models import Stage, StageTransition
from crm.privacy.models import Consent, ConsentPurpose, ConsentSource
from crm.projects.models import Project
from crm.search.models import SearchToken
from crm.segments.models import Segment
from crm.tags.models import Tag
from crm.webhooks.models import Attempt, Delivery, Endpoint

__all__ = [
    "ApiRequest", "ApiToken",
    "BulkJob", "Segment", "Answer", "Application", "Call", "CallQuestion", "Criterion", "Document",
    "Review", "Score",
    "CampaignUpdate", "CrowdfundingCampaign", "Funder", "FunderKind", "FundingOpportunity",
    "ImpactNote", "ImpactTarget", "Indicator", "Instrument", "Measurement", "MeasurementSource",
    "OpportunityStatus", "Visibility",
    "FollowUp", "FollowUpKind", "FollowUpStatus", "Forum", "ForumSession", "HeaderMapping",
    "ImportJob", "ImportRow", "ImportStatus", "Participation", "ParticipationRole", "RowStatus",
    "SessionKind",
    "AuditEntry", "Gender", "Interaction", "InteractionKind", "Membership", "MembershipRole",
    "Organization", "OrganizationKind", "Person", "Project", "Role", "SearchToken", "Stage",
    "StageTransition", "Tag", "User", "Invitation", "InvitationStatus", "Consent",
    "ConsentPurpose", "ConsentSource", "RecoveryCode", "RememberedDevice",
    "Attempt", "Delivery", "Endpoint",
]
