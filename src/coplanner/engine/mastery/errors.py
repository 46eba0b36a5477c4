"""Errors of the mastery engine, each with a stable code."""


class MasteryError(Exception):
    """Signal a problem a person can fix, with a stable machine-readable code."""

    code = "mastery"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class EvidenceFileError(MasteryError):
    """Signal an evidence file that cannot be read, naming every bad row."""

    code = "evidence_file"

    def __init__(self, problems: list[str]) -> None:
        shown = problems[:20]
        more = len(problems) - len(shown)
        text = "\n".join(shown)
        if more > 0:
            text += f"\n... and {more} more problems."
        super().__init__(text)
        self.problems = problems


class ParamsFileError(MasteryError):
    """Signal a parameter file of an unknown format or with bad values."""

    code = "params_file"
