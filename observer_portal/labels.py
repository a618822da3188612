"""Translated names of enum values, shared by views and templates."""

from flask_babel import lazy_gettext as _l

from observer_portal.models import OrganisationKind, Role

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
