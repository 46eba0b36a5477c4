from django.contrib import admin

from coplanner.mastery.models import Evidence, EvidenceSource, MasteryEstimate


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = [
        "student",
        "skill",
        "kind",
        "correct",
        "score",
        "observed_at",
        "source",
    ]
    list_filter = ["kind", "source"]
    raw_id_fields = ["student", "skill"]
    date_hierarchy = "observed_at"


@admin.register(MasteryEstimate)
class MasteryEstimateAdmin(admin.ModelAdmin):
    list_display = ["student", "skill", "probability", "band", "observations"]
    list_filter = ["band"]
    raw_id_fields = ["student", "skill"]


@admin.register(EvidenceSource)
class EvidenceSourceAdmin(admin.ModelAdmin):
    """Where a leader can fix or forget the column mapping of a source."""

    list_display = ["name", "school", "updated_at"]
    list_filter = ["school"]
    search_fields = ["name"]
