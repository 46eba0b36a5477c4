"""Pages of the student's voice."""

from django.urls import path

from coplanner.voice import views

app_name = "voice"

urlpatterns = [
    path("students/<int:student_id>/survey/", views.survey, name="survey"),
    path("students/<int:student_id>/learning/", views.my_learning, name="my_learning"),
    path("students/<int:student_id>/reflection/", views.reflection, name="reflection"),
]
