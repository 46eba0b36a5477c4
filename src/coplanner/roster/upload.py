"""The roster import page: a school leader uploads the OneRoster zip and reads the report."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from coplanner.accounts.access import access_schools
from coplanner.accounts.roles import Role, get_role
from coplanner.roster.importing import record_roster_import
from coplanner.roster.models import Staff, StaffRole

MAX_UPLOAD_MEGABYTES = 100


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("OneRoster zip"),
        help_text=_(
            "The .zip your student information system exports for OneRoster 1.1 "
            "CSV, as it is."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Only check the bundle and show what would change"),
        required=False,
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_MEGABYTES * 1024 * 1024:
            raise ValidationError(
                _(
                    "The file is larger than %(megabytes)d MB. Export one school "
                    "at a time."
                ),
                params={"megabytes": MAX_UPLOAD_MEGABYTES},
            )
        return upload


@require_http_methods(["GET", "POST"])
def import_roster(request: HttpRequest) -> HttpResponse:
    """Show the upload form; on a post, import the bundle and show the report.

    Only a school leader finds the page. The import touches the school they
    lead and schools new in the bundle under their district; everyone else's
    rows are left out and counted in the report.
    """
    school = access_schools(request.user).first()
    if school is None or get_role(request.user) != Role.LEADER:
        raise Http404
    leader = Staff.objects.filter(
        user=request.user, school=school, role=StaffRole.LEADER
    ).first()
    if leader is None:
        raise Http404
    result = None
    if request.method == "POST":
        form = RosterUploadForm(request.POST, request.FILES)
        if form.is_valid():
            result = record_roster_import(
                form.cleaned_data["file"].read(),
                leader=leader,
                dry_run=form.cleaned_data["dry_run"],
                by=request.user,
            )
    else:
        form = RosterUploadForm()
    return render(
        request,
        "roster/import.html",
        {"school": school, "form": form, "result": result},
    )
