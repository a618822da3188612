"""Translated names of enum values, shared by views and templates."""

from flask_babel import lazy_gettext as _l

from observer_portal.models import BriefingTopic, OrganisationKind, Role

ROLE_LABELS = {
    Role.OBSERVER: _l("Observer"),
    Role.MEDIA: _l("Media"),
    Role.VOLUNTEER: _l("Volunteer"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.ADMIN: _l("Administrator"),
}

ORGANISATION_KIND_LABELS = {
    OrganisationKind.OBSERVER_MISSION: _l("International observer mission"),
    OrganisationKind.MEDIA_OUTLET: _l("Media outlet"),
    OrganisationKind.OTHER: _l("Other"),
}

TOPIC_LABELS = {
    BriefingTopic.OVERVIEW: _l("Overview of the region"),
    BriefingTopic.POLLING_STATIONS: _l("Polling stations"),
    BriefingTopic.ACCESSIBILITY: _l("Accessibility for voters with disabilities"),
    BriefingTopic.CONTACTS: _l("Contacts and hotlines"),
    BriefingTopic.LOGISTICS: _l("Logistics"),
    BriefingTopic.TRAINING: _l("Training of election commissions"),
}

TRANSLATION_STATE_LABELS = {
    "original": _l("Original"),
    "reviewed": _l("Reviewed translation"),
    "machine_draft": _l("Machine draft"),
    "human_draft": _l("Draft, not yet reviewed"),
    "outdated": _l("Outdated"),
    "missing": _l("Missing"),
}
