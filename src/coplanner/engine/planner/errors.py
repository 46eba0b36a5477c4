"""Errors of the planner engine, each with a stable code."""


class PlannerError(Exception):
    """Signal a problem a person can fix, with a stable machine-readable code."""

    code = "planner"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ProblemFormatError(PlannerError):
    """Signal a problem or plan file that does not follow its format.

    The message starts with the path of the offending field, for example
    ``students[3].must_do[0].at_least``, then says what is wrong with it.
    """

    code = "problem_file"

    def __init__(self, path: str, what: str) -> None:
        super().__init__(f"{path}: {what}" if path else what)
        self.path = path
        self.what = what
