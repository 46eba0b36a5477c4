from django.contrib import admin

from coplanner.mastery.models import Evidence, MasteryEstimate


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
