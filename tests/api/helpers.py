"""What the API tests share: a token for the cast's school and a client that sends it."""

from typing import Any

from django.test import Client

from coplanner.api.tokens import record_token
from coplanner.roster.models import School


def make_token(school: School, name: str = "Math app") -> str:
    """Create an integration token for a school and return its secret."""
    return record_token(school, name, None).secret


class ApiClient:
    """A test client that sends a bearer token with every request."""

    def __init__(self, secret: str) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {secret}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get("/api/v1" + path, params, headers=self.headers)

    def post(self, path: str, body: Any, query: str = "") -> Any:
        return self.client.post(
            "/api/v1" + path + (f"?{query}" if query else ""),
            body,
            content_type="application/json",
            headers=self.headers,
        )


def make_plan(student: Any, activities: list[Any], versions: int = 2) -> Any:
    """Give a student this week's plan with ``versions`` versions.

    Version n puts ``activities[(block + n) % len]`` in each block of the
    student's week template, with one reason, so that versions differ.
    """
    from coplanner.curriculum.models import Block
    from coplanner.planning.models import Plan, PlanVersion, Slot
    from coplanner.planning.queries import get_week_start

    blocks = list(
        Block.objects.filter(template=student.classroom.week_template).order_by(
            "day", "start"
        )
    )
    plan = Plan.objects.create(
        student=student, week_start=get_week_start(), version=versions
    )
    for number in range(1, versions + 1):
        version = PlanVersion.objects.create(plan=plan, number=number, source="planner")
        Slot.objects.bulk_create(
            Slot(
                version=version,
                block=block,
                activity=activities[(index + number) % len(activities)],
                reasons=[f"Reason of version {number}"],
            )
            for index, block in enumerate(blocks)
        )
    return plan
