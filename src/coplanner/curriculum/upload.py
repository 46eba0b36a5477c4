"""The skills import page: a school leader uploads a CASE package or a CSV of skills."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from coplanner.accounts.access import access_schools
from coplanner.accounts.roles import Role, get_role
from coplanner.curriculum.importing import (
    MAX_FILE_BYTES,
    describe_left_out,
    record_skill_import,
)


class SkillUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CASE package or CSV file"),
        help_text=_(
            "A CASE framework exported as JSON (a CFPackage), or a CSV with the "
            "columns code, name, subject, grade, parent and prerequisites (codes "
            "separated by ;)."
        ),
    )
    subject = forms.CharField(
        label=_("Subject"),
        required=False,
        max_length=100,
        help_text=_(
            "For a CASE package: the subject of all its skills, if not the "
            "framework's own. Leave empty otherwise."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Only check the file and show what would change"), required=False
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(
                _("The file is larger than %(megabytes)d MB."),
                params={"megabytes": MAX_FILE_BYTES // 2**20},
            )
        return upload


@require_http_methods(["GET", "POST"])
def import_skills(request: HttpRequest) -> HttpResponse:
    """Show the upload form; on a post, import the skills and show the report.

    Only a school leader finds the page. Skills are shared by every school,
    so the page says so before a leader imports.
    """
    school = access_schools(request.user).first()
    if school is None or get_role(request.user) != Role.LEADER:
        raise Http404
    result = None
    if request.method == "POST":
        form = SkillUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            result = record_skill_import(
                upload.name,
                upload.read(),
                subject=form.cleaned_data["subject"] or None,
                dry_run=form.cleaned_data["dry_run"],
                by=request.user,
            )
    else:
        form = SkillUploadForm()
    return render(
        request,
        "curriculum/import.html",
        {
            "school": school,
            "form": form,
            "result": result,
            "left_out": describe_left_out(result.left_out) if result else [],
        },
    )
