"""All models, imported here so Alembic and the app see the whole metadata."""

from observer_portal.models.accreditation import AccreditationImport, ImportState, Invitation
from observer_portal.models.assistance import (
    OPEN_STATUSES,
    EventAction,
    LocationKind,
    Priority,
    RequestEvent,
    RequestKind,
    RequestStatus,
    ServiceRequest,
)
from observer_portal.models.audit import AuditAction, AuditEvent
from observer_portal.models.base import Base
from observer_portal.models.briefing import (
    Briefing,
    BriefingFigure,
    BriefingTopic,
    BriefingTranslation,
    BriefingVersion,
    ReviewState,
    TranslationMemory,
    TranslationOrigin,
    TranslationWish,
)
from observer_portal.models.centre import Centre
from observer_portal.models.election import Election, ElectionState
from observer_portal.models.glossary import GlossaryStatus, GlossaryTerm
from observer_portal.models.inventory import Condition, EquipmentItem, EquipmentKind, Loan
from observer_portal.models.language_help import HelpMode, InterpretationBooking, RoutingAttempt, TranslationJob
from observer_portal.models.machine_draft import DraftOutcome, MachineDraft
from observer_portal.models.notification import Notification
from observer_portal.models.page_version import PUBLIC_TABLES, PageVersion
from observer_portal.models.report import BriefingRead, DailyNote, ReportDelivery, ReportSubscription
from observer_portal.models.submission import Submission
from observer_portal.models.token import PersonalToken, TokenScope
from observer_portal.models.user import Proficiency, Role, User, VolunteerLanguage
from observer_portal.models.visit import Visit, VisitPurpose, VisitPurposeRow
from observer_portal.models.visit_count import VisitCount
from observer_portal.models.visitor import (
    Organisation,
    OrganisationKind,
    VisitorKind,
    VisitorLanguage,
    VisitorProfile,
)

__all__ = [
    "GlossaryStatus",
    "GlossaryTerm",
    "VisitCount",
    "PUBLIC_TABLES",
    "PageVersion",
    "AccreditationImport",
    "ImportState",
    "Invitation",
    "OPEN_STATUSES",
    "EventAction",
    "AuditAction",
    "Condition",
    "HelpMode",
    "InterpretationBooking",
    "RoutingAttempt",
    "TranslationJob",
    "DraftOutcome",
    "MachineDraft",
    "EquipmentItem",
    "EquipmentKind",
    "Loan",
    "LocationKind",
    "Notification",
    "Election",
    "ElectionState",
    "Submission",
    "Priority",
    "RequestEvent",
    "RequestKind",
    "RequestStatus",
    "ServiceRequest",
    "AuditEvent",
    "Base",
    "Briefing",
    "BriefingFigure",
    "BriefingTopic",
    "BriefingTranslation",
    "BriefingVersion",
    "ReviewState",
    "TranslationMemory",
    "TranslationOrigin",
    "TranslationWish",
    "Centre",
    "Organisation",
    "OrganisationKind",
    "Proficiency",
    "Role",
    "User",
    "VisitorKind",
    "VisitorLanguage",
    "Visit",
    "VisitPurpose",
    "VisitPurposeRow",
    "VisitorProfile",
    "VolunteerLanguage",
    "DailyNote",
    "BriefingRead",
    "PersonalToken",
    "TokenScope",
    "ReportDelivery",
    "ReportSubscription",
]
