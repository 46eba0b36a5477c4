"""The school leader's Integrations page: create, list and revoke tokens."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coplanner.accounts.access import access_schools
from coplanner.accounts.roles import Role, get_role
from coplanner.api.models import IntegrationToken
from coplanner.api.tokens import (
    NAME_MAX_LENGTH,
    TokenNameInvalid,
    record_token,
    revoke_token,
)
from coplanner.roster.models import School


def _leader_school(request: HttpRequest) -> School:
    # Tokens open the whole school's data, so only its leader manages them.
    school = access_schools(request.user).first()
    if school is None or get_role(request.user) != Role.LEADER:
        raise Http404
    return school


def token_list(request: HttpRequest) -> HttpResponse:
    """List the school's tokens; a posted name creates one and shows its secret once."""
    school = _leader_school(request)
    created = None
    error = ""
    name = ""
    if request.method == "POST":
        name = request.POST.get("name", "")
        try:
            created = record_token(school, name, request.user)
            name = ""
        except TokenNameInvalid:
            error = _(
                "Give the token a name of 1 to %(max)s characters that says "
                "what it is for, such as the program that will use it."
            ) % {"max": NAME_MAX_LENGTH}
    tokens = IntegrationToken.objects.filter(school=school).select_related("created_by")
    response = render(
        request,
        "api/tokens.html",
        {
            "school": school,
            "tokens": tokens,
            "created": created,
            "error": error,
            "name": name,
            "name_max": NAME_MAX_LENGTH,
        },
        status=422 if error else 200,
    )
    if created is not None:
        # The page holds a secret: no cache may keep it.
        response["Cache-Control"] = "no-store"
    return response


@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of the school's tokens; the integration that holds it stops at once."""
    school = _leader_school(request)
    token = get_object_or_404(IntegrationToken, school=school, pk=token_id)
    if revoke_token(token, request.user):
        messages.success(
            request,
            _("“%(name)s” is revoked. Requests with it are refused from now on.")
            % {"name": token.name},
        )
    return redirect("api:tokens")
