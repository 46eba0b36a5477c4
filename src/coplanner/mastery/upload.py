"""The evidence import page: staff upload a CSV export and read the report."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from coplanner.accounts.access import access_schools
from coplanner.mastery.importing import SOURCE_MAX_LENGTH, record_evidence_import
from coplanner.mastery.models import DateOrder, EvidenceSource

MAX_UPLOAD_MEGABYTES = 20


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
            raise ValidationError(
                _(
                    "The file is larger than %(megabytes)d MB. Split it into "
                    "smaller files and import them one after another."
                ),
                params={"megabytes": MAX_UPLOAD_MEGABYTES},
            )
        return upload


@require_http_methods(["GET", "POST"])
def import_evidence(request: HttpRequest) -> HttpResponse:
    """Show the upload form; on a post, import the file and show the report.

    The school is the one whose staff the person belongs to; anyone else
    (students, families, people without a school) finds no page. After an
    import that adds evidence, mastery is refitted for the school at once,
    so the class pages show the new estimates.
    """
    school = access_schools(request.user).first()
    if school is None:
        raise Http404
    result = None
    if request.method == "POST":
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
    )
