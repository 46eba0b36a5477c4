from django.contrib import admin

from coplanner.planning.models import (
    Conference,
    MustDo,
    Plan,
    PlanVersion,
    Request,
    Slot,
)


@admin.register(MustDo)
class MustDoAdmin(admin.ModelAdmin):
    list_display = ["activity", "classroom", "student", "at_least"]
    raw_id_fields = ["student"]


class PlanVersionInline(admin.TabularInline):
    model = PlanVersion
    extra = 0
    fields = ["number", "source", "created_by", "note", "rigor", "voice", "confidence"]
    readonly_fields = fields
    can_delete = False


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["student", "week_start", "status", "version"]
    list_filter = ["status", "week_start"]
    raw_id_fields = ["student"]
    inlines = [PlanVersionInline]


class SlotInline(admin.TabularInline):
    model = Slot
    extra = 0
    raw_id_fields = ["block", "activity", "variant"]


@admin.register(PlanVersion)
class PlanVersionAdmin(admin.ModelAdmin):
    list_display = ["plan", "number", "source", "created_at"]
    raw_id_fields = ["plan", "created_by"]
    inlines = [SlotInline]


class RequestInline(admin.TabularInline):
    model = Request
    extra = 0
    raw_id_fields = ["made_by", "resulting_version"]


@admin.register(Conference)
class ConferenceAdmin(admin.ModelAdmin):
    list_display = [
        "plan",
        "coach",
        "started_at",
        "coach_signed_at",
        "student_signed_at",
    ]
    raw_id_fields = ["plan"]
    inlines = [RequestInline]
