"""Schemathesis against the OpenAPI document the portal serves: every operation is called
with data generated from its description — valid and not — with an observer's token, and
every answer must be what the document promises (status, content type, headers, body
schema), never a server error. The document is read from the app (`/api/v1/openapi.json`),
so what is tested is what is published."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.core.parameters import ParameterLocation

from observer_portal.extensions import db
from observer_portal.models import Role, User
from observer_portal.services import tokens
from tests.assistance_helpers import make_request
from tests.briefing_helpers import make_briefing
from tests.helpers import make_centre, make_user

EXAMPLES = 20  # per operation, mode and token
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409"]


@pytest.fixture
def api_world(app) -> dict[str, str]:
    """A centre with a briefing, an observer with a request, a coordinator of the centre, and a
    token of each with every permission their role may give."""
    with app.app_context():
        make_briefing(make_centre("atyrau"))
        observer, coordinator = make_user(Role.OBSERVER), make_user(Role.COORDINATOR)
        make_request(observer)
        secrets = {}
        for role, user in (("observer", observer), ("coordinator", coordinator)):
            scopes = [scope.value for scope in tokens.SCOPES_BY_ROLE[user.role]]
            secrets[role] = tokens.create_token(
                db.session, db.session.get(User, user.id), "Schemathesis", scopes, 30
            ).secret
        db.session.commit()
        return secrets


@pytest.mark.parametrize("role", ["observer", "coordinator"])
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_answers_as_its_description_promises(app, api_world, mode, role, monkeypatch):
    """Each operation, with data that fits its description (and, in the negative run, data
    that does not), with an observer's token and a coordinator's (who may work the queue and read the visit log): the default checks of Schemathesis — no server error, a status, content
    type, headers and body the document declares, invalid data refused."""
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "100000/minute")  # hundreds of calls a minute here
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # a rule no schema can say (a deadline in the past) is refused with 422 and its reason
    schema.config.checks.positive_data_acceptance.expected_statuses = [*ACCEPTED, "422"]
    headers = {"Authorization": f"Bearer {api_world[role]}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10

    tried = 0
    for operation in operations:
        if mode == GenerationMode.NEGATIVE and not _takes_input(operation):
            continue  # nothing it takes can be sent wrong
        tried += 1

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(headers=_with_token(case, headers))

        check()
    assert tried >= 5


def _takes_input(operation) -> bool:
    definition = operation.definition.raw
    return bool(definition.get("parameters") or definition.get("requestBody") or "{" in operation.path)


def _with_token(case, headers: dict) -> dict:
    """The token, unless this case is about the headers themselves being wrong (a missing
    Authorization must be refused, not quietly supplied)."""
    components = case.meta.components if case.meta is not None else {}
    header = components.get(ParameterLocation.HEADER)
    return {} if header is not None and header.mode == GenerationMode.NEGATIVE else headers
