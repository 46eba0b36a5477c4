"""Reasons beside each slot come from the terms the score and rules use."""

from planner_problems import data, problem, solved, student


def reasons(plan, block, who="ana"):
    return next(s.reasons for s in plan.students[who].slots if s.block == block)


def test_a_ready_skill_is_named_by_its_name():
    plan = solved(problem(weights={"rigor": 1, "voice": 0}))
    assert "You are ready for: adding within 20" in reasons(plan, "mon-1")


def test_a_mastered_skill_is_a_quick_review():
    plan = solved(problem(weights={"rigor": 1, "voice": 0}))
    assert "A quick review of: short vowels" in reasons(plan, "mon-2")


def test_a_loved_activity_and_a_teachers_must_do_say_so():
    prob = problem(
        student(
            preferences={"art": 2}, must_do=[{"activity": "math-app", "at_least": 1}]
        )
    )
    plan = solved(prob)
    assert reasons(plan, "mon-3") == ("You love: Art studio",)
    assert "Your teacher asked for this" in reasons(plan, "mon-1")


def test_small_group_names_the_skills_not_yet_strong():
    prob = problem(rules={"small_group_at_least": 1}, weights={"voice": 0})
    plan = solved(prob)
    block = next(
        s.block for s in plan.students["ana"].slots if s.activity == "math-group"
    )
    assert "Small group because adding within 20 is not yet strong" in reasons(
        plan, block
    )


def test_a_skill_without_a_name_is_named_by_its_id():
    skills = [
        {k: v for k, v in skill.items() if k != "name"} for skill in data()["skills"]
    ]
    plan = solved(problem(weights={"rigor": 1, "voice": 0}, skills=skills))
    assert "You are ready for: add" in reasons(plan, "mon-1")
