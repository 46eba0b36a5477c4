"""Pages for adults' accounts: the leader's list of people, choosing a password.

The leader sees the staff of their school and the families of its students
(``access_adults``); anyone else's id is not found.
"""

from django.contrib import messages
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.contrib.auth.views import PasswordChangeView
from django.db.models import Prefetch
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coplanner.accounts.access import access_adults, access_students
from coplanner.accounts.adults import (
    get_locked_usernames,
    get_must_change_user_ids,
    lift_lockout,
    record_temporary_password,
)
from coplanner.accounts.roles import Role, get_role
from coplanner.accounts.sessions import MUST_CHANGE_KEY, finish_password_change


@require_GET
def people(request: HttpRequest) -> HttpResponse:
    """List the school's adults with their sign-in state and what to do."""
    if get_role(request.user) != Role.LEADER:
        raise Http404("Only a school leader looks after accounts.")
    adults = list(
        access_adults(request.user)
        .exclude(pk=request.user.pk)
        .select_related("staff", "guardian")
        .prefetch_related(
            Prefetch(
                "guardian__children",
                queryset=access_students(request.user),
            )
        )
        .order_by("last_name", "first_name", "username")
    )
    locked = get_locked_usernames(person.username for person in adults)
    must_change = get_must_change_user_ids(person.pk for person in adults)
    rows = []
    for person in adults:
        staff = getattr(person, "staff", None)
        guardian = getattr(person, "guardian", None)
        rows.append(
            {
                "person": person,
                "name": person.get_full_name() or person.username,
                "staff": staff,
                "children": list(guardian.children.all()) if guardian else [],
                "locked": person.username in locked,
                "must_change": person.pk in must_change,
            }
        )
    return render(request, "accounts/people.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def person_password(request: HttpRequest, user_id: int) -> HttpResponse:
    """Ask, then set a temporary password for one adult and show it, once."""
    person = get_object_or_404(access_adults(request.user), pk=user_id)
    password = ""
    if request.method == "POST":
        password = record_temporary_password(request.user, person)  # type: ignore[arg-type]
    return render(
        request,
        "accounts/person_password.html",
        {
            "person": person,
            "name": person.get_full_name() or person.get_username(),  # type: ignore[attr-defined]
            "password": password,
        },
    )


@require_POST
def person_unlock(request: HttpRequest, user_id: int) -> HttpResponse:
    """Lift an adult's sign-in lockout now."""
    person = get_object_or_404(access_adults(request.user), pk=user_id)
    lift_lockout(person)
    messages.success(
        request,
        _("%(name)s can log in again.")
        % {"name": person.get_full_name() or person.get_username()},  # type: ignore[attr-defined]
    )
    return redirect("accounts:people")


class ChoosePasswordView(PasswordChangeView):
    """Change one's password; right after a reset, without the old one again."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def get_form_class(self) -> type[Form]:
        if self.request.session.get(MUST_CHANGE_KEY):
            return SetPasswordForm
        return PasswordChangeForm

    def form_valid(self, form: Form) -> HttpResponse:
        response = super().form_valid(form)  # type: ignore[arg-type]
        finish_password_change(self.request)
        messages.success(self.request, _("Your new password is saved."))
        return response

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["must_change"] = bool(self.request.session.get(MUST_CHANGE_KEY))
        return context
