from django.contrib import admin

from coplanner.roster.models import Classroom, Guardian, School, Staff, Student


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ["display_name", "role", "school"]
    list_filter = ["role", "school"]
    search_fields = ["display_name", "user__username"]


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ["name", "grade", "school", "coach"]
    list_filter = ["school", "grade"]
    filter_horizontal = ["teachers"]


@admin.register(Student)
class StudentAdmin(admin.ModelAdmin):
    list_display = ["code", "first_name", "last_name", "grade", "classroom", "autonomy"]
    list_filter = ["school", "classroom", "grade", "autonomy"]
    search_fields = ["code", "first_name", "last_name"]
    raw_id_fields = ["user"]


@admin.register(Guardian)
class GuardianAdmin(admin.ModelAdmin):
    list_display = ["display_name", "language"]
    filter_horizontal = ["children"]
