from django.contrib import admin

from coplanner.voice.models import Goal, Preference, Reflection, ReflectionRating


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = [
        "student",
        "activity",
        "rating",
        "reason",
        "answered_at",
        "superseded_at",
    ]
    list_filter = ["rating", "reason"]
    raw_id_fields = ["student", "activity", "answered_by"]


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["student", "text", "skill", "created_at"]
    raw_id_fields = ["student", "skill"]


class ReflectionRatingInline(admin.TabularInline):
    model = ReflectionRating
    extra = 0


@admin.register(Reflection)
class ReflectionAdmin(admin.ModelAdmin):
    list_display = ["student", "week_start", "goal_moved"]
    raw_id_fields = ["student"]
    inlines = [ReflectionRatingInline]
