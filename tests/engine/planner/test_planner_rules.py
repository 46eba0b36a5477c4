"""Each hard rule holds in the plans, and the checker catches it when broken."""

from planner_problems import broken_rules, data, problem, solved, student, week

from coplanner.engine.planner.problem import parse_problem, problem_to_json

LOVES_EVERYTHING = {"math-group": 2, "math-app": 2, "phonics": 2, "nook": 2, "art": 2}
ONE_BLOCK = [
    {"id": "mon-1", "day": "Monday", "start": "09:00", "minutes": 30, "subject": "math"}
]
ANY_BLOCKS = [
    {"id": "mon-1", "day": "Monday", "start": "09:00", "minutes": 30, "subject": "any"},
    {"id": "mon-2", "day": "Monday", "start": "09:30", "minutes": 30, "subject": "any"},
]


class TestOnePerBlock:
    def test_every_student_has_exactly_one_slot_in_every_block(self):
        prob = problem(student("ana"), student("ben"))
        plan = solved(prob)
        for week_plan in plan.students.values():
            assert sorted(slot.block for slot in week_plan.slots) == [
                "mon-1",
                "mon-2",
                "mon-3",
            ]

    def test_checker_catches_a_missing_slot(self):
        prob = problem()
        assert "one_per_block" in broken_rules(
            prob, {"ana": {"mon-1": "math-app", "mon-2": "nook"}}
        )


class TestFitsBlock:
    def test_activities_keep_to_their_subject_and_listed_blocks(self):
        prob = problem(student(preferences={"art": 2, "nook": -1}))
        plan = solved(prob)
        assert week(plan)["mon-1"] in ("math-group", "math-app")
        assert week(plan)["mon-2"] in ("phonics", "nook")
        assert week(plan)["mon-3"] == "art"

    def test_an_activity_listing_blocks_goes_nowhere_else(self):
        data_blocks = ANY_BLOCKS
        prob = problem(student(preferences={"art": 2}), blocks=data_blocks)
        restricted = [
            {**activity, "blocks": ["mon-2"]} if activity["id"] == "art" else activity
            for activity in _activities()
        ]
        prob = problem(
            student(preferences={"art": 2}), blocks=data_blocks, activities=restricted
        )
        assert week(solved(prob)) == {
            "mon-1": week(solved(prob))["mon-1"],
            "mon-2": "art",
        }
        assert week(solved(prob))["mon-1"] != "art"

    def test_checker_catches_a_reading_activity_in_a_math_block(self):
        prob = problem()
        weeks = {"ana": {"mon-1": "nook", "mon-2": "nook", "mon-3": "art"}}
        assert "fits_block" in broken_rules(prob, weeks)


class TestCapacity:
    def test_no_more_students_than_seats(self):
        prob = problem(
            *(
                student(name, preferences={"math-group": 2})
                for name in ("ana", "ben", "cai")
            ),
            blocks=ONE_BLOCK,
        )
        plan = solved(prob)
        in_group = [
            s for s, w in plan.assignment().items() if w["mon-1"] == "math-group"
        ]
        assert len(in_group) == 1
        assert plan.score.voice == 2

    def test_checker_catches_an_overfull_activity(self):
        prob = problem(student("ana"), student("ben"), blocks=ONE_BLOCK)
        weeks = {"ana": {"mon-1": "math-group"}, "ben": {"mon-1": "math-group"}}
        assert broken_rules(prob, weeks) == {"capacity"}


class TestSeatsHeldElsewhere:
    """Seats other classes hold at a station the school shares (``seats_taken``)."""

    def lab_problem(self, *students):
        raw = data(*students, blocks=ONE_BLOCK)
        for activity in raw["activities"]:
            if activity["id"] == "math-group":
                activity["seats_taken"] = {"mon-1": 1}
        return raw

    def test_a_seat_held_elsewhere_is_not_free(self):
        prob = parse_problem(self.lab_problem(student(preferences={"math-group": 2})))
        assert prob.activity_by_id["math-group"].seats_in("mon-1") == 0
        assert week(solved(prob))["mon-1"] != "math-group"

    def test_the_checker_counts_the_seats_held_elsewhere(self):
        prob = parse_problem(self.lab_problem(student("ana")))
        assert broken_rules(prob, {"ana": {"mon-1": "math-group"}}) == {"capacity"}

    def test_the_held_seats_are_written_back_as_they_were_read(self):
        raw = self.lab_problem(student("ana"))
        assert problem_to_json(parse_problem(raw)) == raw


class TestStaff:
    def test_a_staff_member_runs_one_activity_at_a_time(self):
        prob = problem(
            student("ana", preferences={"math-group": 2}),
            student("ben", preferences={"phonics": 2}),
            blocks=[ANY_BLOCKS[0]],
        )
        plan = solved(prob)
        running = {w["mon-1"] for w in plan.assignment().values()} & {
            "math-group",
            "phonics",
        }
        assert len(running) == 1
        assert plan.score.voice == 2

    def test_checker_catches_two_groups_of_one_adult(self):
        prob = problem(student("ana"), student("ben"), blocks=[ANY_BLOCKS[0]])
        weeks = {"ana": {"mon-1": "math-group"}, "ben": {"mon-1": "phonics"}}
        assert broken_rules(prob, weeks) == {"staff"}


class TestSubjectMinutes:
    def test_the_free_block_goes_to_math_when_math_minutes_need_it(self):
        prob = problem(
            student(preferences={"art": 2}), rules={"subject_minutes": {"math": 60}}
        )
        plan = solved(prob)
        assert week(plan)["mon-3"] in ("math-group", "math-app")

    def test_checker_catches_too_few_minutes(self):
        prob = problem(rules={"subject_minutes": {"math": 60}})
        weeks = {"ana": {"mon-1": "math-app", "mon-2": "nook", "mon-3": "art"}}
        assert broken_rules(prob, weeks) == {"subject_minutes"}


class TestMustDo:
    def test_a_must_do_gets_in_although_another_is_loved(self):
        prob = problem(
            student(
                preferences={"art": 2, "nook": -1},
                must_do=[{"activity": "nook", "at_least": 2}],
            ),
            rules={"max_same_activity_per_day": 2},
        )
        plan = solved(prob)
        assert week(plan)["mon-2"] == "nook" and week(plan)["mon-3"] == "nook"

    def test_checker_catches_a_must_do_done_too_rarely(self):
        prob = problem(student(must_do=[{"activity": "nook", "at_least": 2}]))
        weeks = {"ana": {"mon-1": "math-app", "mon-2": "nook", "mon-3": "art"}}
        assert broken_rules(prob, weeks) == {"must_do"}


class TestSmallGroup:
    def test_a_weak_skill_taught_in_a_small_group_brings_small_group_time(self):
        prob = problem(
            student(preferences={"math-app": 2, "art": 2}),
            rules={"small_group_at_least": 2, "max_same_activity_per_day": 2},
        )
        plan = solved(prob)
        assert (
            week(plan)["mon-1"] == "math-group" and week(plan)["mon-3"] == "math-group"
        )

    def test_a_strong_student_has_no_small_group_need(self):
        prob = problem(
            student(
                preferences={"math-app": 2}, mastery={"count": 1, "add": 1, "vowels": 1}
            ),
            rules={"small_group_at_least": 2},
        )
        assert week(solved(prob))["mon-1"] == "math-app"

    def test_a_skill_never_measured_counts_as_not_yet_strong(self):
        prob = problem(
            student(
                preferences={"nook": 2, "math-app": 2}, mastery={"count": 1, "add": 1}
            ),
            rules={"small_group_at_least": 1},
        )
        assert "phonics" in week(solved(prob)).values()

    def test_checker_catches_missing_small_group_time(self):
        prob = problem(rules={"small_group_at_least": 1})
        weeks = {"ana": {"mon-1": "math-app", "mon-2": "nook", "mon-3": "art"}}
        assert broken_rules(prob, weeks) == {"small_group"}


class TestLock:
    def test_a_locked_block_keeps_its_activity_and_variant(self):
        prob = problem(
            student(
                preferences={"art": 2},
                locks=[{"block": "mon-3", "activity": "nook", "variant": "cushion"}],
            )
        )
        plan = solved(prob)
        slot = next(s for s in plan.students["ana"].slots if s.block == "mon-3")
        assert (slot.activity, slot.variant) == ("nook", "cushion")
        assert "This block was fixed for you" in slot.reasons

    def test_checker_catches_a_lock_not_kept(self):
        prob = problem(student(locks=[{"block": "mon-3", "activity": "nook"}]))
        weeks = {"ana": {"mon-1": "math-app", "mon-2": "nook", "mon-3": "art"}}
        assert broken_rules(prob, weeks) == {"lock"}


class TestAvoid:
    def test_an_avoided_activity_stays_out_of_the_week(self):
        prob = problem(student(preferences={"art": 2}, avoid=[{"activity": "art"}]))
        assert "art" not in week(solved(prob)).values()

    def test_an_avoid_with_a_block_only_keeps_that_block_free_of_it(self):
        prob = problem(
            student(
                preferences={"art": 2}, avoid=[{"block": "mon-1", "activity": "art"}]
            ),
            blocks=ANY_BLOCKS,
        )
        assert week(solved(prob))["mon-2"] == "art"

    def test_checker_catches_an_avoided_activity(self):
        prob = problem(student(avoid=[{"activity": "art"}]))
        weeks = {"ana": {"mon-1": "math-app", "mon-2": "nook", "mon-3": "art"}}
        assert broken_rules(prob, weeks) == {"avoid"}


class TestMaxPerDay:
    def test_a_loved_activity_appears_at_most_the_allowed_times_a_day(self):
        prob = problem(student(preferences={"art": 2}), blocks=ANY_BLOCKS)
        assert list(week(solved(prob)).values()).count("art") == 1

    def test_with_two_a_day_allowed_it_may_repeat(self):
        prob = problem(
            student(preferences={"art": 2}),
            blocks=ANY_BLOCKS,
            rules={"max_same_activity_per_day": 2},
        )
        assert list(week(solved(prob)).values()) == ["art", "art"]

    def test_checker_catches_a_repeat_beyond_the_limit(self):
        prob = problem(blocks=ANY_BLOCKS)
        assert broken_rules(prob, {"ana": {"mon-1": "art", "mon-2": "art"}}) == {
            "max_per_day"
        }


def _activities():
    from planner_problems import data

    return data()["activities"]
