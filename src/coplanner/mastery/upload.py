"""The evidence import page: staff upload a CSV export and read the report."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from coplanner.accounts.access import access_schools
from coplanner.mastery.importing import SOURCE_MAX_LENGTH, record_evidence_import
from coplanner.mastery.models import DateOrder, EvidenceSource
from coplanner.roster.models import School
from coplanner.uploads import is_upload_too_large, limit_upload_size, too_large_message

MAX_UPLOAD_MEGABYTES: int = settings.EVIDENCE_UPLOAD_MAX_MEGABYTES


class EvidenceUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Item responses (student, skill, correct, date) or scores (student, "
            "skill, score, max, date), as exported by the program."
        ),
    )
    source = forms.CharField(
        label=_("Where the file comes from"),
        max_length=SOURCE_MAX_LENGTH,
        help_text=_(
            "The program or test, such as “ASSISTments” or “Unit tests”. Use the "
            "same name every time: its columns are remembered."
        ),
    )
    date_order = forms.ChoiceField(
        label=_("Dates like 03/09/2024 are"),
        choices=[
            ("", _("Decide from the file")),
            (DateOrder.DAY_FIRST, _("day/month/year")),
            (DateOrder.MONTH_FIRST, _("month/day/year")),
        ],
        required=False,
        help_text=_(
            "A date such as 31/12/2024 or 12/31/2024 in the file tells the order. "
            "If none does, the order last used for this source is kept."
        ),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_MEGABYTES * 1024 * 1024:
            raise ValidationError(too_large_message(MAX_UPLOAD_MEGABYTES))
        return upload


def _school(request: HttpRequest) -> School:
    school = access_schools(request.user).first()
    if school is None:
        raise Http404
    return school


def _render(
    request: HttpRequest,
    school: School,
    form: EvidenceUploadForm,
    result: object = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "mastery/import.html",
        {
            "school": school,
            "form": form,
            "result": result,
            "sources": EvidenceSource.objects.filter(school=school).values_list(
                "name", flat=True
            ),
        },
        status=status,
    )


def _refuse_too_large(request: HttpRequest) -> HttpResponse:
    """Show the form again, saying the file is too large (413), keeping nothing."""
    school = _school(request)
    source = request.POST.get("source", "") if hasattr(request, "_post") else ""
    form = EvidenceUploadForm({"source": source, "date_order": ""}, {})
    form.is_valid()
    form.errors.pop("source", None)
    form.errors["file"] = form.error_class([too_large_message(MAX_UPLOAD_MEGABYTES)])
    return _render(request, school, form, status=413)


@limit_upload_size(MAX_UPLOAD_MEGABYTES, _refuse_too_large)
@require_http_methods(["GET", "POST"])
def import_evidence(request: HttpRequest) -> HttpResponse:
    """Show the upload form; on a post, import the file and show the report.

    The school is the one whose staff the person belongs to; anyone else
    (students, families, people without a school) finds no page. After an
    import that adds evidence, mastery is refitted for the school at once,
    so the class pages show the new estimates.
    """
    school = _school(request)
    result = None
    if request.method == "POST":
        if is_upload_too_large(request):
            return _refuse_too_large(request)
        form = EvidenceUploadForm(request.POST, request.FILES)
        if form.is_valid():
            result = record_evidence_import(
                school,
                form.cleaned_data["source"],
                form.cleaned_data["file"].read(),
                date_order=DateOrder(form.cleaned_data["date_order"])
                if form.cleaned_data["date_order"]
                else None,
                refit=True,
                by=request.user,
            )
    else:
        form = EvidenceUploadForm()
    return _render(request, school, form, result)
