"""The quick test of one changed slot agrees with the checker on whole plans."""

import random

from planner_problems import broken_rules, solved

from coplanner.engine.planner import build_example_problem
from coplanner.engine.planner.check import slot_change_keeps_rules
from coplanner.engine.planner.model import activity_fits


def test_one_changed_slot_is_allowed_exactly_when_the_whole_plan_keeps_every_rule():
    prob = build_example_problem(12, seed=3, time_limit_s=5)
    weeks = solved(prob).assignment()
    rng = random.Random(7)
    seen = {True: 0, False: 0}
    for _ in range(300):
        student = rng.choice(prob.students).id
        block = rng.choice(prob.blocks)
        activity = rng.choice(
            [a.id for a in prob.activities if activity_fits(block, a)]
        )
        if activity == weeks[student][block.id]:
            continue
        others_there = [w[block.id] for s, w in weeks.items() if s != student]
        quick = slot_change_keeps_rules(
            prob, student, weeks[student], block.id, activity, others_there
        )
        changed = {**weeks, student: {**weeks[student], block.id: activity}}
        assert quick == (not broken_rules(prob, changed)), (student, block.id, activity)
        seen[quick] += 1
    # Both answers came up often enough for the agreement to mean something.
    assert seen[True] >= 10 and seen[False] >= 10, seen


def test_a_full_station_and_a_busy_adult_refuse_the_change():
    prob = build_example_problem(12, seed=3, time_limit_s=5)
    weeks = solved(prob).assignment()
    student = prob.students[0].id
    block = prob.blocks[0].id
    limited = next(
        a
        for a in prob.activities
        if a.capacity is not None and activity_fits(prob.blocks[0], a)
    )
    full = [limited.id] * limited.capacity
    assert not slot_change_keeps_rules(
        prob, student, weeks[student], block, limited.id, full
    )
    staffed = next(
        a for a in prob.activities if a.staff and activity_fits(prob.blocks[0], a)
    )
    same_adult = next(
        a.id for a in prob.activities if a.staff == staffed.staff and a.id != staffed.id
    )
    assert not slot_change_keeps_rules(
        prob, student, weeks[student], block, staffed.id, [same_adult]
    )
