"""The school leader's audit log page."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from coplanner.accounts.access import access_schools
from coplanner.accounts.roles import Role, get_role
from coplanner.audit.queries import get_audit_log


def _number(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    """List the audit entries of the leader's school, filtered by the query."""
    if get_role(request.user) != Role.LEADER:
        raise Http404
    school = access_schools(request.user).first()
    if school is None:
        raise Http404
    log = get_audit_log(
        school,
        request.user,
        student=_number(request.GET.get("student")),
        person=_number(request.GET.get("person")),
        kind=request.GET.get("kind") or None,
        page=request.GET.get("page"),
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/log.html",
        {"log": log, "filters": request.GET, "query": query.urlencode()},
    )
