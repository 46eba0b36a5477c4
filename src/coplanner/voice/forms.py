"""Forms of the voice pages: the survey, the self-assessment on My learning and
the end-of-week reflection.

Both are plain forms of radio buttons and text boxes, so that they work
without JavaScript; the templates draw the radio buttons as big faces.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coplanner.curriculum.models import Activity, Skill
from coplanner.voice.actions import Answer, ReflectionAnswers, SurveyAnswers
from coplanner.voice.models import (
    FocusAid,
    FocusHelp,
    GoalProgress,
    Preference,
    Rating,
    Reason,
    Reflection,
    SelfView,
)

# The faces in the order a child reads them: love first.
FACE_ORDER = (Rating.LOVE, Rating.LIKE, Rating.OKAY, Rating.DONT_LIKE)


def _as_text(value: object) -> str:
    """Return a field's value as the string a radio button carries."""
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Card:
    """One activity of the survey with its three fields, ready to draw."""

    activity: Activity
    rating: forms.BoundField
    reason: forms.BoundField
    reason_text: forms.BoundField
    current: Preference | None

    @property
    def rating_value(self) -> str:
        return _as_text(self.rating.value())

    @property
    def reason_value(self) -> str:
        return _as_text(self.reason.value())


class SurveyForm(forms.Form):
    """The voice survey: a card per activity, a new goal, what helps focus."""

    goal_skill = forms.ModelChoiceField(
        queryset=Skill.objects.none(),
        required=False,
        label=_("Pick a skill"),
        empty_label=_("(pick a skill)"),
    )
    goal_text = forms.CharField(
        max_length=500, required=False, label=_("Or say it in your words")
    )
    focus_aids = forms.MultipleChoiceField(
        choices=FocusAid.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("What helps me focus"),
    )
    focus_text = forms.CharField(
        max_length=500, required=False, label=_("Something else that helps me")
    )

    def __init__(
        self,
        *args: Any,
        activities: Sequence[Activity],
        current: Mapping[int, Preference],
        goal_skills: Iterable[Skill],
        focus: FocusHelp | None,
        read_only: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.activities = list(activities)
        self.current = current
        goal_ids = [skill.pk for skill in goal_skills]
        self.fields["goal_skill"].queryset = Skill.objects.filter(  # type: ignore[attr-defined]
            pk__in=goal_ids
        ).order_by("subject__name", "grade", "name")
        if focus is not None:
            self.fields["focus_aids"].initial = list(focus.aids)
            self.fields["focus_text"].initial = focus.text
        for activity in self.activities:
            previous = current.get(activity.pk)
            self.fields[f"rating_{activity.pk}"] = forms.TypedChoiceField(
                choices=[(face.value, face.label) for face in FACE_ORDER],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                label=activity.name,
                initial=previous.rating if previous else None,
            )
            self.fields[f"reason_{activity.pk}"] = forms.ChoiceField(
                choices=Reason.choices,
                required=False,
                widget=forms.RadioSelect,
                label=_("Why?"),
                initial=previous.reason if previous else "",
            )
            self.fields[f"reason_text_{activity.pk}"] = forms.CharField(
                max_length=500,
                required=False,
                label=_("Say it in your words"),
                initial=previous.reason_text if previous else "",
            )
        if read_only:
            for field in self.fields.values():
                field.disabled = True

    def cards(self) -> list[Card]:
        """Return a card per activity, in the order of the activities."""
        return [
            Card(
                activity=activity,
                rating=self[f"rating_{activity.pk}"],
                reason=self[f"reason_{activity.pk}"],
                reason_text=self[f"reason_text_{activity.pk}"],
                current=self.current.get(activity.pk),
            )
            for activity in self.activities
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for activity in self.activities:
            rating = cleaned.get(f"rating_{activity.pk}")
            reason = cleaned.get(f"reason_{activity.pk}", "")
            text = cleaned.get(f"reason_text_{activity.pk}", "").strip()
            cleaned[f"reason_text_{activity.pk}"] = text
            if text and not reason:
                cleaned[f"reason_{activity.pk}"] = Reason.OTHER
            if rating is None and (reason or text):
                self.add_error(
                    f"rating_{activity.pk}",
                    _("Tap a face too, so we know how you feel about it."),
                )
        return cleaned

    def answers(self) -> SurveyAnswers:
        """Return what the valid form holds, for ``record_survey``."""
        data = self.cleaned_data
        preferences = {
            activity.pk: Answer(
                rating=data[f"rating_{activity.pk}"],
                reason=data[f"reason_{activity.pk}"],
                reason_text=data[f"reason_text_{activity.pk}"],
            )
            for activity in self.activities
            if data.get(f"rating_{activity.pk}") is not None
        }
        return SurveyAnswers(
            preferences=preferences,
            goal_text=data["goal_text"],
            goal_skill=data["goal_skill"],
            focus_aids=data["focus_aids"],
            focus_text=data["focus_text"],
        )


@dataclass(frozen=True)
class SelfQuestion:
    """One skill the student works on, with their own view to pick."""

    skill_id: int
    field: forms.BoundField

    @property
    def value(self) -> str:
        return _as_text(self.field.value())


class SelfAssessmentForm(forms.Form):
    """The student's own view of each skill they work on."""

    def __init__(
        self,
        *args: Any,
        skill_ids: Sequence[int],
        current: Mapping[int, str],
        read_only: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.skill_ids = list(skill_ids)
        for skill_id in self.skill_ids:
            self.fields[f"self_{skill_id}"] = forms.ChoiceField(
                choices=list(reversed(SelfView.choices)),
                required=False,
                widget=forms.RadioSelect,
                initial=current.get(skill_id, ""),
                disabled=read_only,
            )

    def questions(self) -> dict[int, SelfQuestion]:
        """Return a question per skill, by skill id."""
        return {
            skill_id: SelfQuestion(skill_id, self[f"self_{skill_id}"])
            for skill_id in self.skill_ids
        }

    def values(self) -> dict[int, str]:
        """Return the picked views by skill id; skills left blank are left out."""
        return {
            skill_id: self.cleaned_data[f"self_{skill_id}"]
            for skill_id in self.skill_ids
            if self.cleaned_data.get(f"self_{skill_id}")
        }


@dataclass(frozen=True)
class ReflectionCard:
    """One activity of the week on the reflection, with its faces to tap."""

    activity: Activity
    rating: forms.BoundField

    @property
    def rating_value(self) -> str:
        return _as_text(self.rating.value())


class ReflectionForm(forms.Form):
    """The end-of-week reflection: a face per activity, the goal, a note."""

    goal_progress = forms.ChoiceField(
        choices=GoalProgress.choices,
        required=False,
        widget=forms.RadioSelect,
        label=_("Did your goal move?"),
    )
    note = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Anything else about your week?"),
    )

    def __init__(
        self,
        *args: Any,
        activities: Sequence[Activity],
        reflection: Reflection | None,
        read_only: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.activities = list(activities)
        self.reflection = reflection
        faces = (
            {row.activity_id: row.rating for row in reflection.ratings.all()}
            if reflection
            else {}
        )
        if reflection is not None:
            self.fields["goal_progress"].initial = reflection.goal_progress
            self.fields["note"].initial = reflection.note
        for activity in self.activities:
            self.fields[f"rating_{activity.pk}"] = forms.TypedChoiceField(
                choices=[(face.value, face.label) for face in FACE_ORDER],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                label=activity.name,
                initial=faces.get(activity.pk),
            )
        if read_only:
            for field in self.fields.values():
                field.disabled = True

    def cards(self) -> list[ReflectionCard]:
        """Return a card per activity, in the order of the week."""
        return [
            ReflectionCard(activity=activity, rating=self[f"rating_{activity.pk}"])
            for activity in self.activities
        ]

    @property
    def goal_value(self) -> str:
        return _as_text(self["goal_progress"].value())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["note"] = cleaned.get("note", "").strip()
        answered = any(
            cleaned.get(f"rating_{activity.pk}") is not None
            for activity in self.activities
        )
        if (
            self.reflection is None
            and not answered
            and not cleaned.get("goal_progress")
            and not cleaned["note"]
        ):
            raise forms.ValidationError(
                _("Tap a face for at least one activity, then save.")
            )
        return cleaned

    def answers(self) -> ReflectionAnswers:
        """Return what the valid form holds, for ``record_reflection``."""
        data = self.cleaned_data
        return ReflectionAnswers(
            ratings={
                activity.pk: data[f"rating_{activity.pk}"]
                for activity in self.activities
                if data.get(f"rating_{activity.pk}") is not None
            },
            goal_progress=data.get("goal_progress") or None,
            note=data["note"],
        )
