from django.urls import path

from coplanner.privacy import views

app_name = "privacy"

urlpatterns = [
    path("students/", views.students, name="students"),
    path("students/<int:student_id>/", views.student, name="student"),
    path("students/<int:student_id>/export/", views.export, name="export"),
    path("students/<int:student_id>/erase/", views.erase, name="erase"),
]
