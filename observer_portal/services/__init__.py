"""Business rules as plain functions: a session and the acting user in, a result out.

Services never touch the request, never abort and never commit on behalf of a
caller that did not ask them to; they raise `ServiceError` with a translatable
message that views show next to the form.
"""


class ServiceError(Exception):
    """A rule refused the action; `message` is a lazily translated string for the user."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class InvalidInput(ServiceError):
    """Several refusals of one input, so that a form shows every problem in one round."""

    def __init__(self, problems: list[ServiceError]):
        super().__init__(problems[0].message, problems[0].field)
        self.problems = problems
