"""The API's evidence in: JSON rows or xAPI statements.

Evidence goes through the checks every evidence import shares
(``coplanner.mastery.batch``): all or nothing, every bad row or statement
reported in ``errors`` with its index, field, value and why, and a batch
sent twice changes nothing.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Body, Query, Router

from coplanner.api.problems import ApiError, Problem
from coplanner.api.reads import get_school
from coplanner.api.schemas import (
    EvidenceBatchIn,
    EvidenceReport,
    Statement,
    StatementOptions,
)
from coplanner.mastery.batch import (
    BatchImport,
    EvidenceRecord,
    problems_as_errors,
    record_evidence_batch,
)
from coplanner.mastery.xapi import (
    StatementsUnreadable,
    build_statement_list,
    record_xapi_statements,
)

router = Router()
# What every write may answer besides its result: 400 is a body that is
# not JSON, 500 the server_error problem.
ERRORS = {400: Problem, 401: Problem, 404: Problem, 422: Problem, 500: Problem}


def _source(request: HttpRequest, given: str | None) -> str:
    # Without a source, evidence is named after the token's integration.
    return given if given and given.strip() else request.auth.name  # type: ignore[attr-defined]


def _report(result: BatchImport, what: str) -> dict[str, Any]:
    if result.source_problem:
        raise ApiError(422, "invalid_evidence", result.source_problem)
    if result.problems:
        bad = len({problem.index for problem in result.problems})
        raise ApiError(
            422,
            "invalid_evidence",
            f"Nothing was imported: {bad} of {result.records} {what} "
            f"{'is' if bad == 1 else 'are'} bad. Fix every one listed in "
            "errors, then send the whole batch again.",
            problems_as_errors(result.problems),
        )
    return {
        "source": result.source,
        "received": result.records,
        "new": result.new,
        "held": result.held,
        "dry_run": result.dry_run,
        "mastery_refitted": result.fit is not None,
    }


@router.post("/evidence", response={200: EvidenceReport, **ERRORS}, tags=["evidence"])
def create_evidence(request: HttpRequest, batch: EvidenceBatchIn) -> dict[str, Any]:
    """Add a batch of item responses or scores, all or nothing.

    A row with ``correct`` is an item response; one with ``score`` (and
    ``max``) a score. Rows the school already holds from the same source
    (same student, skill, item and time) are counted as held and skipped,
    so sending a batch twice changes nothing. Any bad row, and nothing is
    written: the answer is 422 ``invalid_evidence`` with every bad row in
    ``errors``.
    """
    records = [
        EvidenceRecord(
            index=index,
            student=row.student,
            skill=row.skill,
            observed_at=row.observed_at.isoformat(),
            correct=row.correct,
            score=row.score,
            max=row.max,
            item=row.item,
        )
        for index, row in enumerate(batch.rows)
    ]
    result = record_evidence_batch(
        get_school(request),
        _source(request, batch.source),
        records,
        dry_run=batch.dry_run,
        refit=batch.refit,
        channel="api_rows",
    )
    return _report(result, "rows")


@router.post(
    "/xapi/statements",
    response={200: EvidenceReport, **ERRORS},
    tags=["evidence"],
)
def create_statements(
    request: HttpRequest,
    statements: Body[list[Any] | Statement],
    options: Query[StatementOptions],
) -> dict[str, Any]:
    """Add xAPI statements (one, or a list) as evidence, all or nothing.

    Verbs: ADL's answered, completed and scored
    (``http://adlnet.gov/expapi/verbs/…``). The student is
    ``actor.account.name`` (the student's code) or ``actor.mbox``; the skill
    is the code in ``object.definition.extensions`` under
    ``https://coplanner.org/xapi/extensions/skill``, or the skill whose
    source id is ``object.id``. ``result.success`` is right or wrong;
    ``result.score.scaled`` (0 to 1), or ``raw`` with ``max``, is a score.
    Any bad statement, and nothing is written: 422 ``invalid_evidence`` with
    every problem in ``errors``, by statement index.
    """
    try:
        listed = build_statement_list(statements)
    except StatementsUnreadable as error:
        raise ApiError(422, "invalid_evidence", str(error)) from None
    result = record_xapi_statements(
        get_school(request),
        listed,
        _source(request, options.source),
        dry_run=options.dry_run,
        refit=options.refit,
        channel="api_xapi",
    )
    return _report(result, "statements")
