from django.contrib import admin

from coplanner.curriculum.models import (
    Activity,
    Block,
    Prerequisite,
    Skill,
    Subject,
    Variant,
    WeekTemplate,
)


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


class PrerequisiteInline(admin.TabularInline):
    model = Prerequisite
    fk_name = "skill"
    extra = 0
    autocomplete_fields = ["requires"]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "subject", "grade"]
    list_filter = ["subject", "grade"]
    search_fields = ["code", "name"]
    inlines = [PrerequisiteInline]


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "subject",
        "modality",
        "capacity",
        "seats_shared",
        "staff",
        "classroom",
        "school",
    ]
    list_filter = ["school", "subject", "modality", "seats_shared"]
    search_fields = ["code", "name"]
    filter_horizontal = ["skills", "allowed_blocks"]
    inlines = [VariantInline]


class BlockInline(admin.TabularInline):
    model = Block
    extra = 0


@admin.register(WeekTemplate)
class WeekTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "school"]
    inlines = [BlockInline]
