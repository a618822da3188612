"""Translated names of enum values, shared by views and templates."""

from observer_portal.lazy_text import _l, _lp
from observer_portal.models import (
    AuditAction,
    BriefingTopic,
    Condition,
    ElectionState,
    EquipmentKind,
    EventAction,
    GlossaryStatus,
    LocationKind,
    OrganisationKind,
    Priority,
    RequestKind,
    RequestStatus,
    Role,
    TokenScope,
    VisitorKind,
    VisitPurpose,
)

ROLE_LABELS = {
    # Translators: a person's role in the portal (a table column, a choice)
    Role.OBSERVER: _l("Observer"),
    # Translators: a person's role in the portal (a table column, a choice)
    Role.MEDIA: _l("Media"),
    # Translators: a person's role in the portal (a table column, a choice)
    Role.VOLUNTEER: _l("Volunteer"),
    # Translators: a person's role in the portal (a table column, a choice)
    Role.COORDINATOR: _l("Coordinator"),
    # Translators: a person's role in the portal (a table column, a choice)
    Role.ADMIN: _l("Administrator"),
}

VISITOR_KIND_LABELS = {
    # Translators: the kind of a visitor: an election observer or a media representative
    VisitorKind.OBSERVER: _l("Observer"),
    # Translators: the kind of a visitor: an election observer or a media representative
    VisitorKind.MEDIA: _l("Media"),
}

ORGANISATION_KIND_LABELS = {
    OrganisationKind.OBSERVER_MISSION: _l("International observer mission"),
    OrganisationKind.FOREIGN_DELEGATION: _l("Foreign observer delegation"),
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
    # Translators: the state of a briefing's translation into one language
    "original": _l("Original"),
    # Translators: the state of a briefing's translation into one language
    "reviewed": _l("Reviewed translation"),
    # Translators: the state of a briefing's translation into one language
    "machine_draft": _l("Machine draft"),
    # Translators: the state of a briefing's translation into one language
    "human_draft": _l("Draft, not yet reviewed"),
    # Translators: the state of a briefing's translation into one language
    "outdated": _l("Outdated"),
    # Translators: the state of a briefing's translation into one language
    "missing": _l("Missing"),
}

REQUEST_KIND_LABELS = {
    RequestKind.EQUIPMENT: _l("Office equipment"),
    RequestKind.INTERNET: _l("Internet access"),
    RequestKind.TRANSLATION: _lp("kind of help", "Translation"),
    RequestKind.INTERPRETATION: _l("Interpreter"),
    RequestKind.OTHER: _l("Other help"),
}

STATUS_LABELS = {
    # Translators: the status of a request for help (Russian: заявка, feminine; Kazakh: өтінім)
    RequestStatus.NEW: _l("Waiting for a volunteer"),
    # Translators: the status of a request for help (Russian: заявка, feminine; Kazakh: өтінім)
    RequestStatus.ASSIGNED: _l("Assigned"),
    # Translators: the status of a request for help (Russian: заявка, feminine; Kazakh: өтінім)
    RequestStatus.IN_PROGRESS: _l("In progress"),
    # Translators: the status of a request for help (Russian: заявка, feminine; Kazakh: өтінім)
    RequestStatus.DONE: _lp("request status", "Done"),
    # Translators: the status of a request for help (Russian: заявка, feminine; Kazakh: өтінім)
    RequestStatus.CANCELLED: _l("Cancelled"),
    # Translators: the status of a request for help (Russian: заявка, feminine; Kazakh: өтінім)
    RequestStatus.UNROUTABLE: _l("Nobody available yet"),
}

PRIORITY_LABELS = {
    # Translators: how urgent a request for help is
    Priority.URGENT: _l("Urgent"),
    # Translators: how urgent a request for help is
    Priority.HIGH: _l("High"),
    # Translators: how urgent a request for help is
    Priority.NORMAL: _l("Normal"),
}

LOCATION_LABELS = {
    LocationKind.CENTRE: _l("At the centre"),
    LocationKind.POLLING_STATION: _l("At a polling station"),
    LocationKind.HOTEL: _l("At my hotel"),
    LocationKind.OTHER: _l("Somewhere else"),
}
#: the same places, as staff filing for a visitor say them
VISITOR_LOCATION_LABELS = {**LOCATION_LABELS, LocationKind.HOTEL: _l("At the visitor's hotel")}

EQUIPMENT_KIND_LABELS = {
    EquipmentKind.LAPTOP: _l("Laptop"),
    EquipmentKind.PRINTER: _l("Printer"),
    EquipmentKind.SCANNER: _l("Scanner"),
    EquipmentKind.PROJECTOR: _l("Projector"),
    EquipmentKind.ROUTER: _l("Wi-Fi router"),
    EquipmentKind.SIM_CARD: _l("SIM card"),
    EquipmentKind.MODEM: _l("Mobile modem"),
    EquipmentKind.OTHER: _l("Other equipment"),
}

CONDITION_LABELS = {
    # Translators: the physical condition of an equipment item (a laptop, a printer)
    Condition.GOOD: _l("Good"),
    # Translators: the physical condition of an equipment item (a laptop, a printer)
    Condition.WORN: _l("Worn"),
    # Translators: the physical condition of an equipment item (a laptop, a printer)
    Condition.DAMAGED: _l("Damaged"),
    # Translators: the physical condition of an equipment item (a laptop, a printer)
    Condition.OUT_OF_SERVICE: _l("Out of service"),
}

ACTION_LABELS = {
    # Translators: an event in a request's history: what happened to the request
    EventAction.CREATED: _l("Request filed"),
    # Translators: an event in a request's history: what happened to the request
    EventAction.CLAIM: _l("Taken by a volunteer"),
    # Translators: an event in a request's history: what happened to the request
    EventAction.ASSIGN: _l("Assigned"),
    # Translators: an event in a request's history: what happened to the request
    EventAction.START: _l("Work started"),
    # Translators: an event in a request's history: what happened to the request
    EventAction.COMPLETE: _l("Marked as done"),
    # Translators: an event in a request's history: what happened to the request
    EventAction.DECLINE: _l("Given back to the pool"),
    # Translators: an event in a request's history: what happened to the request
    EventAction.CANCEL: _l("Cancelled"),
    # Translators: an event in a request's history: what happened to the request
    EventAction.COMMENTED: _l("Comment"),
    # Translators: an event in a request's history: what happened to the request
    EventAction.ROUTED: _l("Sent to a volunteer who speaks both languages"),
    # Translators: an event in a request's history: what happened to the request
    EventAction.UNROUTABLE: _l("No volunteer could take it"),
    # Translators: an event in a request's history: what happened to the request
    EventAction.RELEASED: _l("Handed back: the volunteer went off duty"),
}

#: Why routing found nobody, as shown in a request's history (the job page names the languages).
UNROUTABLE_REASON_LABELS = {
    "nobody_on_duty": _l("No volunteer was on duty."),
    "nobody_speaks": _l("No volunteer on duty speaks one of the two languages."),
    "nobody_speaks_both": _l("No volunteer on duty speaks both languages."),
    "all_declined": _l("Everyone on duty who speaks both languages had declined."),
    "all_busy": _l("Everyone who speaks both languages was already booked at that time."),
}

GLOSSARY_STATUS_LABELS = {
    # Translators: the status of a glossary term: translators must use it
    GlossaryStatus.APPROVED: _l("Approved"),
    # Translators: the status of a glossary term: suggested, waiting for a coordinator
    GlossaryStatus.PROPOSED: _l("Proposed, not yet approved"),
}

AUDIT_ACTION_LABELS = {
    AuditAction.LOGIN_SUCCEEDED: _l("Signed in"),
    AuditAction.LOGIN_FAILED: _l("Failed sign-in"),
    AuditAction.ACCOUNT_SIGNED_UP: _l("Signed up"),
    AuditAction.ACCOUNT_CREATED: _l("Account created"),
    AuditAction.ACCOUNT_UPDATED: _l("Account changed"),
    AuditAction.ACCOUNT_ROLE_CHANGED: _l("Role changed"),
    AuditAction.ACCOUNT_CENTRE_CHANGED: _l("Moved to another centre"),
    AuditAction.ACCOUNT_PASSWORD_CHANGED: _l("Password changed"),
    AuditAction.ACCOUNT_ACTIVATED: _l("Account reactivated"),
    AuditAction.ACCOUNT_DEACTIVATED: _l("Account deactivated"),
    AuditAction.VOLUNTEER_ON_DUTY: _l("Went on duty"),
    AuditAction.VOLUNTEER_OFF_DUTY: _l("Went off duty"),
    AuditAction.VISIT_REGISTERED: _l("Visit registered"),
    AuditAction.VISITS_EXPORTED: _l("Visit log downloaded"),
    AuditAction.REQUESTS_EXPORTED: _l("Request list downloaded"),
    AuditAction.TOKEN_CREATED: _l("Access token created"),
    AuditAction.TOKEN_REVOKED: _l("Access token revoked"),
    AuditAction.GLOSSARY_TERM_PROPOSED: _l("Glossary term proposed"),
    AuditAction.GLOSSARY_TERM_UPDATED: _l("Glossary term changed"),
    AuditAction.GLOSSARY_TERM_APPROVED: _l("Glossary term approved"),
    AuditAction.GLOSSARY_TERM_DELETED: _l("Glossary term removed"),
    AuditAction.GLOSSARY_IMPORTED: _l("Glossary imported"),
    AuditAction.VISITS_ANONYMISED: _l("Personal data of past visitors removed"),
    AuditAction.VISITOR_UPDATED: _l("Visitor's details corrected"),
    AuditAction.VISITOR_MERGED: _l("Two visitor records merged"),
    AuditAction.EQUIPMENT_CREATED: _l("Equipment added"),
    AuditAction.EQUIPMENT_UPDATED: _l("Equipment changed"),
    AuditAction.EQUIPMENT_CHECKED_OUT: _lp("audit event", "Equipment lent"),
    AuditAction.EQUIPMENT_CHECKED_IN: _lp("audit event", "Equipment returned"),
    AuditAction.BRIEFING_CREATED: _l("Briefing written"),
    AuditAction.BRIEFING_UPDATED: _l("Briefing changed"),
    AuditAction.BRIEFING_PUBLISHED: _l("Briefing published"),
    AuditAction.BRIEFING_UNPUBLISHED: _l("Briefing withdrawn"),
    AuditAction.BRIEFING_TRANSLATION_SAVED: _l("Briefing translation saved"),
    AuditAction.BRIEFING_MACHINE_DRAFT: _l("Machine draft of a briefing made"),
    AuditAction.BRIEFING_RESTORED: _l("Earlier version of a briefing restored"),
    AuditAction.ELECTION_CREATED: _l("Election added"),
    AuditAction.ELECTION_UPDATED: _l("Election changed"),
    AuditAction.ELECTION_ACTIVATED: _l("Election made the active one"),
    AuditAction.ELECTION_CLOSED: _l("Election closed"),
    AuditAction.CENTRE_CREATED: _l("Centre added"),
    AuditAction.CENTRE_UPDATED: _l("Centre's details changed"),
    AuditAction.CENTRE_DEACTIVATED: _l("Centre closed down"),
    AuditAction.CENTRE_REACTIVATED: _l("Centre reopened"),
    AuditAction.ELECTION_ERASED: _l("Visitors' personal data of an election removed"),
    AuditAction.ORGANISATION_CREATED: _l("Mission or outlet added"),
    AuditAction.ORGANISATION_UPDATED: _l("Mission or outlet changed"),
    AuditAction.ORGANISATION_CONFIRMED: _l("Mission or outlet confirmed"),
    AuditAction.ORGANISATION_MERGED: _l("Two missions or outlets merged"),
    AuditAction.ACCREDITATIONS_IMPORTED: _l("Accreditation list imported"),
    AuditAction.INVITATION_SENT: _l("Invitation sent"),
    AuditAction.INVITATION_ACCEPTED: _l("Invitation accepted: account created"),
    AuditAction.REPORT_NOTE_SAVED: _l("Daily report notes saved"),
    AuditAction.REPORT_SUBSCRIBED: _l("Address added to the daily report"),
    AuditAction.REPORT_UNSUBSCRIBED: _l("Address removed from the daily report"),
}

ELECTION_STATE_LABELS = {
    ElectionState.PREPARING: _l("In preparation"),
    ElectionState.ACTIVE: _lp("election", "Active"),
    # Translators: an election's state: it is over (Russian: выборы, plural)
    ElectionState.CLOSED: _l("Closed"),
}

ACTION_BUTTONS = {
    "claim": _l("Take this request"),
    "assign": _l("Assign"),
    "start": _l("Start working on it"),
    "complete": _l("Mark as done"),
    "decline": _l("Give it back to the pool"),
    "cancel": _l("Cancel the request"),
    "comment": _l("Add comment"),
}

HELP_MODE_TITLES = {  # what a language request is, for everyone who reads it afterwards
    "written": _l("Written translation"),
    "document": _l("Translation of a document"),
    "interpretation": _l("Interpreting at a meeting"),
    "phone": _l("Help with a phone call"),
}


def unroutable_message(reason: dict | None) -> str:
    """Why nobody could take a language job, in the reader's language."""
    from observer_portal.i18n import language_in_sentence

    if not reason:
        return ""
    code = reason.get("code")
    params = {key: language_in_sentence(value) for key, value in (reason.get("params") or {}).items()}
    if code == "nobody_on_duty":
        return str(_l("No volunteer is on duty at the moment."))
    if code == "nobody_speaks":
        return str(_l("No on-duty volunteer speaks %(language)s.", language=params.get("language", "")))
    pair = {"source": params.get("source", ""), "target": params.get("target", "")}
    if code == "nobody_speaks_both":
        return str(_l("No on-duty volunteer speaks both %(source)s and %(target)s.", **pair))
    if code == "all_declined":
        return str(_l("Everyone on duty who speaks %(source)s and %(target)s has declined.", **pair))
    if code == "all_busy":
        return str(_l("Everyone who speaks %(source)s and %(target)s is already booked at that time.", **pair))
    return str(UNROUTABLE_REASON_LABELS.get(code, _l("No reason was recorded.")))  # never the raw code


PURPOSE_LABELS = {
    VisitPurpose.BRIEFING: _l("Briefing about the region"),
    VisitPurpose.EQUIPMENT: _l("Office equipment"),
    VisitPurpose.INTERNET: _l("Internet access"),
    VisitPurpose.TRANSLATION: _lp("kind of help", "Translation"),
    VisitPurpose.OTHER: _l("Other help"),
}

TOKEN_SCOPE_LABELS = {
    # Translators: a permission of a personal access token (for another system using the API)
    TokenScope.READ: _l("Read what my pages show"),
    # Translators: a permission of a personal access token (for another system using the API)
    TokenScope.REQUESTS: _l("File and withdraw my requests for help"),
    # Translators: a permission of a personal access token (for another system using the API)
    TokenScope.VOLUNTEER: _l("Work the request queue"),
    # Translators: a permission of a personal access token (for another system using the API)
    TokenScope.COORDINATOR: _l("Read the centre's visit log and language coverage"),
}
