"""Translation and interpretation requests, in four parts: asking (`filing`), routing to
volunteers by language with bookings and duty changes (`dispatch`), doing the work
(`work`: the workflow's language hooks, the text, machine drafts) and the overview
(`overview`: a volunteer's jobs, the coverage page). The names here are the ones the rest
of the portal uses."""

from observer_portal.services.language_help.dispatch import (
    ROUTED_KINDS,
    candidates,
    job_of,
    on_duty_changed,
    release,
    route,
)
from observer_portal.services.language_help.filing import (
    MAX_INTERPRETATION,
    MAX_TEXT,
    JobInput,
    file_briefing_job,
    file_job,
)
from observer_portal.services.language_help.overview import (
    Coverage,
    coverage,
    jobs_by_request,
    my_jobs,
    upcoming_bookings,
)
from observer_portal.services.language_help.work import make_machine_draft, save_final_text

__all__ = [
    "MAX_INTERPRETATION",
    "MAX_TEXT",
    "ROUTED_KINDS",
    "Coverage",
    "JobInput",
    "candidates",
    "coverage",
    "file_briefing_job",
    "file_job",
    "job_of",
    "jobs_by_request",
    "make_machine_draft",
    "my_jobs",
    "on_duty_changed",
    "release",
    "route",
    "save_final_text",
    "upcoming_bookings",
]
