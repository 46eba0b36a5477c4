"""The CP-SAT model of the plan problem.

The model reads top to bottom: what it is built from, the choice variables,
one function per hard rule (named after the rule), one function per soft
term of the plan score, and the objective. Solving and reading the answer
out are in `solve`.

A model covers some students (`free`); the weeks of the others may be given
(`fixed`) and then take their seats and staff before the free students are
seated. A model of one student, or of a few, is how the search improves a
plan a few students at a time and how a request is answered.
"""

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from coplanner.engine.planner.problem import ANY_SUBJECT, Activity, Block, Problem
from coplanner.engine.planner.terms import StudentTerms, build_terms

# Objective points are scaled by this factor and rounded to integers, as
# CP-SAT needs; the rounding error is bounded in `PlanModel.rounding_allowance`.
OBJECTIVE_SCALE = 1000

Week = Mapping[str, str]
"""Block id -> activity id for one student."""

RuleInstance = tuple[str, str]
"""(rule name, student id): one rule for one student, which may be relaxed."""


# Inputs --------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """What every model of one problem is built from, computed once."""

    problem: Problem
    terms: Mapping[str, StudentTerms]
    candidates: Mapping[str, tuple[str, ...]]


def prepare(problem: Problem) -> Prepared:
    """Compute the terms and the activities that fit each block."""
    return Prepared(
        problem=problem, terms=build_terms(problem), candidates=fits_block(problem)
    )


def fits_block(problem: Problem) -> dict[str, tuple[str, ...]]:
    """List, per block, the activities that fit it: rule ``fits_block``.

    An activity fits a block when its subject is the block's, or the block's
    subject is ``any``; and, when the activity lists blocks, the block is one
    of them. The model only creates a choice for these pairs, so the rule
    holds by construction.
    """
    return {
        block.id: tuple(
            activity.id
            for activity in problem.activities
            if activity_fits(block, activity)
        )
        for block in problem.blocks
    }


def activity_fits(block: Block, activity: Activity) -> bool:
    """Say whether one activity fits one block."""
    if block.subject != ANY_SUBJECT and activity.subject != block.subject:
        return False
    return activity.blocks is None or block.id in activity.blocks


class Enforcement:
    """Decide, per rule and student, whether the model enforces a rule.

    Normally every rule is enforced. Rule instances in `relaxed` are left
    out. With `conditional`, every instance that is not already relaxed is
    enforced only when its literal in `keep` is true, so that a model can
    look for the fewest instances to give up.
    """

    def __init__(
        self,
        model: cp_model.CpModel,
        relaxed: Collection[RuleInstance] = (),
        conditional: bool = False,
    ) -> None:
        self._model = model
        self._relaxed = frozenset(relaxed)
        self._conditional = conditional
        self.keep: dict[RuleInstance, cp_model.IntVar] = {}

    def is_relaxed(self, rule: str, student: str) -> bool:
        """Say whether an instance is left out of the model."""
        return (rule, student) in self._relaxed

    def always(self, rule: str, student: str) -> bool:
        """Say whether an instance is enforced unconditionally."""
        return not self._conditional and (rule, student) not in self._relaxed

    def literals(self, rule: str, student: str) -> list[cp_model.IntVar] | None:
        """Return the literals that enforce an instance; None when relaxed."""
        if (rule, student) in self._relaxed:
            return None
        if not self._conditional:
            return []
        instance = (rule, student)
        if instance not in self.keep:
            self.keep[instance] = self._model.new_bool_var(f"keep[{rule},{student}]")
        return [self.keep[instance]]


@dataclass
class PlanModel:
    """A CP-SAT model of the weeks of the free students, and its objective.

    `x[student, block, activity]` is true when the student does the activity
    in the block. The objective is kept in objective points as float
    coefficients (`gains`) plus a constant, and given to CP-SAT scaled.
    Every unconditional constraint is also kept in `rows`, and every
    variable that is not 0/1 in `int_uppers`, for the LP relaxation.
    """

    prepared: Prepared
    free: tuple[str, ...]
    fixed: Mapping[str, Week]
    model: cp_model.CpModel
    enforcement: Enforcement
    x: dict[tuple[str, str, str], cp_model.IntVar] = field(default_factory=dict)
    choices: dict[tuple[str, str], list[tuple[str, cp_model.IntVar]]] = field(
        default_factory=dict
    )
    gains: dict[int, float] = field(default_factory=dict)
    variables: dict[int, cp_model.IntVar] = field(default_factory=dict)
    uppers: dict[int, int] = field(default_factory=dict)
    wanted: list[tuple[list[tuple[cp_model.IntVar, int]], int]] = field(
        default_factory=list
    )
    rows: list[tuple[list[tuple[int, int]], int, int]] = field(default_factory=list)
    int_uppers: dict[int, int] = field(default_factory=dict)
    constant: float = 0.0
    rounding_allowance: float = 0.0
    _fixed_counts: dict[str, dict[tuple[str, str], int]] = field(default_factory=dict)

    @property
    def problem(self) -> Problem:
        """Return the problem the model is of."""
        return self.prepared.problem

    def add(
        self,
        terms: Iterable[tuple[cp_model.IntVar, int]],
        lower: int,
        upper: int,
        literals: list[cp_model.IntVar],
    ) -> None:
        """Add lower <= sum(coefficient * variable) <= upper when the literals hold."""
        pairs = list(terms)
        expression = cp_model.LinearExpr.weighted_sum(
            [variable for variable, _ in pairs],
            [coefficient for _, coefficient in pairs],
        )
        constraint = self.model.add_linear_constraint(expression, lower, upper)
        if literals:
            constraint.only_enforce_if(literals)
        elif not self.fixed:
            # Kept for the LP relaxation, which is read from these rows; it is
            # only ever taken of a whole model, never of a search step's part.
            self.rows.append(
                (
                    [(variable.index, coefficient) for variable, coefficient in pairs],
                    lower,
                    upper,
                )
            )

    def new_int(self, upper: int, name: str) -> cp_model.IntVar:
        """Create an integer variable ranging over 0..upper."""
        variable = self.model.new_int_var(0, upper, name)
        self.int_uppers[variable.index] = upper
        return variable

    def at_least(
        self,
        terms: list[tuple[cp_model.IntVar, int]],
        target: int,
        literals: list[cp_model.IntVar],
    ) -> None:
        """Add sum(coefficient * variable) >= target when the literals hold.

        A conditional one is also remembered in `wanted`, so that a model
        that gives it up can still get as close to the target as it can.
        """
        self.add(terms, target, BIG, literals)
        if literals:
            self.wanted.append((terms, target))

    def gain(self, variable: cp_model.IntVar, points: float, upper: int = 1) -> None:
        """Add `points` per unit of a variable that ranges over 0..upper."""
        if points:
            self.gains[variable.index] = self.gains.get(variable.index, 0.0) + points
            self.variables[variable.index] = variable
            self.uppers[variable.index] = upper

    def hint(self, weeks: Mapping[str, Week]) -> None:
        """Suggest the given weeks of the free students as a starting point."""
        for (student, block, activity), variable in self.x.items():
            week = weeks.get(student)
            if week is not None and block in week:
                self.model.add_hint(variable, week[block] == activity)

    def read(self, solver: cp_model.CpSolver) -> dict[str, Week]:
        """Return the weeks of the free students in the solver's solution."""
        found: dict[str, dict[str, str]] = {student: {} for student in self.free}
        for (student, block), options in self.choices.items():
            for activity, variable in options:
                if solver.boolean_value(variable):
                    found[student][block] = activity
                    break
        weeks: dict[str, Week] = {}
        weeks.update(found)
        return weeks


BIG = 1 << 40  # an upper limit no sum of the model comes near


def build_model(
    prepared: Prepared,
    free: Iterable[str] | None = None,
    fixed: Mapping[str, Week] | None = None,
    relaxed: Collection[RuleInstance] = (),
    conditional: bool = False,
    with_objective: bool = True,
    extra: Callable[[PlanModel], None] | None = None,
) -> PlanModel:
    """Build the model of the free students (all of them when None).

    `fixed` gives the weeks of students outside the model that share seats
    and staff with it. See `Enforcement` for `relaxed` and `conditional`.
    `extra` adds what a caller needs beyond the problem (a request's pins,
    a reward for keeping slots) before the objective is set.
    """
    model = cp_model.CpModel()
    problem = prepared.problem
    pm = PlanModel(
        prepared=prepared,
        free=tuple(free) if free is not None else tuple(s.id for s in problem.students),
        fixed=dict(fixed or {}),
        model=model,
        enforcement=Enforcement(model, relaxed, conditional),
    )

    add_choices(pm)

    one_per_block(pm)
    capacity(pm)
    staff(pm)
    subject_minutes(pm)
    must_do(pm)
    small_group(pm)
    lock(pm)
    avoid(pm)
    max_per_day(pm)

    if with_objective:
        rigor(pm)
        voice(pm)
        confidence(pm)
        variety(pm)
        stability(pm)
    if extra is not None:
        extra(pm)
    if with_objective:
        set_objective(pm)
    return pm


# Variables -----------------------------------------------------------------


def add_choices(pm: PlanModel) -> None:
    """Create one choice per free student, block and activity that fits it."""
    for student in pm.free:
        for block in pm.problem.blocks:
            options = []
            for activity in pm.prepared.candidates[block.id]:
                variable = pm.model.new_bool_var(f"x[{student},{block.id},{activity}]")
                pm.x[student, block.id, activity] = variable
                options.append((activity, variable))
            pm.choices[student, block.id] = options


# Hard rules ----------------------------------------------------------------


def one_per_block(pm: PlanModel) -> None:
    """Give every student exactly one slot in every block."""
    for options in pm.choices.values():
        pm.add(((variable, 1) for _, variable in options), 1, 1, [])


def _seated(
    pm: PlanModel, rule: str, student: str, variable: cp_model.IntVar
) -> cp_model.IntVar | None:
    """Return what counts of a student's choice for a shared rule.

    When the rule is relaxed for the student, the choice does not count;
    when it is conditional, it counts only while the rule is kept.
    """
    literals = pm.enforcement.literals(rule, student)
    if literals is None:
        return None
    if not literals:
        return variable
    counted = pm.model.new_bool_var(f"counted[{rule},{variable.name}]")
    pm.add([(counted, 1), (variable, -1)], 0, 1, literals)
    return counted


def _fixed_count(pm: PlanModel, rule: str, block: str, activity: str) -> int:
    """Count the students outside the model for whom a shared rule counts here."""
    counts = pm._fixed_counts.get(rule)
    if counts is None:
        # Counted once per rule: a search step asks for every block and
        # activity, and a pod has a hundred fixed students to scan.
        counts = {}
        for student, week in pm.fixed.items():
            if pm.enforcement.is_relaxed(rule, student):
                continue
            for slot in week.items():
                counts[slot] = counts.get(slot, 0) + 1
        pm._fixed_counts[rule] = counts
    return counts.get((block, activity), 0)


def _plain(pm: PlanModel, rule: str) -> bool:
    """Say whether a rule holds plainly for every free student of the model."""
    return all(pm.enforcement.literals(rule, student) == [] for student in pm.free)


def capacity(pm: PlanModel) -> None:
    """Seat at most `capacity` students in one activity in one block.

    Variants of an activity share its seats. Students outside the model take
    their seats first, and so do those planned elsewhere (``seats_taken``).
    """
    for block in pm.problem.blocks:
        for activity_id in pm.prepared.candidates[block.id]:
            limit = pm.problem.activity_by_id[activity_id].seats_in(block.id)
            if limit is None:
                continue
            seated = []
            for student in pm.free:
                choice = pm.x[student, block.id, activity_id]
                counted = _seated(pm, "capacity", student, choice)
                if counted is not None:
                    seated.append(counted)
            if seated:
                room = limit - _fixed_count(pm, "capacity", block.id, activity_id)
                if room >= len(seated):
                    continue  # everyone in the model fits: nothing to say
                pm.add(((variable, 1) for variable in seated), 0, room, [])


def _seats_need_staff(
    pm: PlanModel,
    block: str,
    activity: str,
    runs: cp_model.IntVar,
    students: Collection[str],
) -> None:
    """Seat no one in a staffed activity whose staff member is elsewhere.

    Implied by the capacity and staff rules together, so it changes no plan;
    it only tightens the LP relaxation, which otherwise lets a staff member
    run half of two small groups with a full table each (on a pod of 100
    students sharing staff the bound moved 0.6% closer to the best plans).
    `students` are those whose capacity and staff rules hold plainly (not
    relaxed, not conditional): for the others it would not be implied.
    """
    limit = pm.problem.activity_by_id[activity].capacity
    if limit is None or not students:
        return
    seated = [(pm.x[student, block, activity], 1) for student in students]
    pm.add(seated + [(runs, -limit)], -BIG, 0, [])


def staff(pm: PlanModel) -> None:
    """Let a staff member run at most one activity with students in a block."""
    by_staff: dict[str, list[str]] = {}
    # The cut that ties seats to staff only serves the LP relaxation, which is
    # read off the whole model; the search's part models skip its cost.
    plain = (
        []
        if pm.fixed
        else [
            student
            for student in pm.free
            if pm.enforcement.literals("capacity", student) == []
            and pm.enforcement.literals("staff", student) == []
        ]
    )
    for record in pm.problem.activities:
        if record.staff is not None:
            by_staff.setdefault(record.staff, []).append(record.id)
    plain_staff = _plain(pm, "staff")
    for member, activities in by_staff.items():
        for block in pm.problem.blocks:
            here = [a for a in activities if a in pm.prepared.candidates[block.id]]
            if len(here) < 2:
                continue
            running = [a for a in here if _fixed_count(pm, "staff", block.id, a)]
            if plain_staff and len(running) == 1:
                # Students outside the model already hold this staff member
                # here: the free students may join that activity only.
                _keep_out(pm, block.id, [a for a in here if a != running[0]])
                continue
            runs = {
                activity: pm.model.new_bool_var(f"runs[{member},{block.id},{activity}]")
                for activity in here
            }
            pm.add(((variable, 1) for variable in runs.values()), 0, 1, [])
            for activity in here:
                if _fixed_count(pm, "staff", block.id, activity):
                    pm.add([(runs[activity], 1)], 1, 1, [])
                for student in pm.free:
                    literals = pm.enforcement.literals("staff", student)
                    if literals is None:
                        continue
                    choice = pm.x[student, block.id, activity]
                    pm.add([(runs[activity], 1), (choice, -1)], 0, 1, literals)
                _seats_need_staff(pm, block.id, activity, runs[activity], plain)


def _keep_out(pm: PlanModel, block: str, activities: Iterable[str]) -> None:
    """Seat none of the free students in these activities in this block."""
    for activity in activities:
        pm.add(((pm.x[s, block, activity], 1) for s in pm.free), 0, 0, [])


def subject_minutes(pm: PlanModel) -> None:
    """Give each student at least the minutes the rules ask for in a subject."""
    for subject, minutes in pm.problem.rules.subject_minutes.items():
        if minutes <= 0:
            continue
        for student in pm.free:
            literals = pm.enforcement.literals("subject_minutes", student)
            if literals is None:
                continue
            terms = [
                (variable, pm.problem.block_by_id[block].minutes)
                for (s, block, activity), variable in _choices_of(pm, student)
                if pm.problem.activity_by_id[activity].subject == subject
            ]
            pm.at_least(terms, minutes, literals)


def must_do(pm: PlanModel) -> None:
    """Put each must-do activity in the student's week at least `at_least` times."""
    for student in pm.free:
        literals = pm.enforcement.literals("must_do", student)
        if literals is None:
            continue
        for item in pm.problem.student_by_id[student].must_do:
            terms = [
                (variable, 1)
                for (_, _, activity), variable in _choices_of(pm, student)
                if activity == item.activity
            ]
            pm.at_least(terms, item.at_least, literals)


def small_group(pm: PlanModel) -> None:
    """Give small-group time to a student with a skill that is not yet strong.

    A student with a skill below `small_group_below` that some small group
    works on gets at least `small_group_at_least` slots in small groups that
    work on such a skill of theirs.
    """
    at_least = pm.problem.rules.small_group_at_least
    if at_least <= 0:
        return
    for student in pm.free:
        terms_of_student = pm.prepared.terms[student]
        if not terms_of_student.small_group_need:
            continue
        literals = pm.enforcement.literals("small_group", student)
        if literals is None:
            continue
        terms = [
            (variable, 1)
            for (_, _, activity), variable in _choices_of(pm, student)
            if activity in terms_of_student.small_group_activities
        ]
        pm.at_least(terms, at_least, literals)


def lock(pm: PlanModel) -> None:
    """Keep each locked block on its locked activity.

    A locked activity that does not fit the block cannot be kept: the model
    then has no plan unless the lock is relaxed. The variant of a lock is
    honoured when the plan is read out.
    """
    for student in pm.free:
        literals = pm.enforcement.literals("lock", student)
        if literals is None:
            continue
        for item in pm.problem.student_by_id[student].locks:
            variable = pm.x.get((student, item.block, item.activity))
            if variable is None:
                pm.add([], 1, 1, literals)
            else:
                pm.add([(variable, 1)], 1, 1, literals)


def avoid(pm: PlanModel) -> None:
    """Keep an avoided activity out of the named block, or out of the week."""
    for student in pm.free:
        literals = pm.enforcement.literals("avoid", student)
        if literals is None:
            continue
        for item in pm.problem.student_by_id[student].avoid:
            blocks = [item.block] if item.block is not None else pm.problem.block_by_id
            for block in blocks:
                variable = pm.x.get((student, block, item.activity))
                if variable is not None:
                    pm.add([(variable, 1)], 0, 0, literals)


def max_per_day(pm: PlanModel) -> None:
    """Let no activity appear more than `max_same_activity_per_day` times a day."""
    limit = pm.problem.rules.max_same_activity_per_day
    for student in pm.free:
        literals = pm.enforcement.literals("max_per_day", student)
        if literals is None:
            continue
        for same_day in _same_day_choices(pm, student):
            if len(same_day) > limit:
                pm.add(((variable, 1) for variable in same_day), 0, limit, literals)


def pin(pm: PlanModel, student: str, block: str, activity: str) -> None:
    """Fix one slot of a free student, as a request asks; never relaxed."""
    variable = pm.x.get((student, block, activity))
    pm.add([] if variable is None else [(variable, 1)], 1, 1, [])


def ban(pm: PlanModel, student: str, block: str, activity: str) -> None:
    """Keep one activity out of one slot of a free student; never relaxed."""
    variable = pm.x.get((student, block, activity))
    if variable is not None:
        pm.add([(variable, 1)], 0, 0, [])


def _choices_of(
    pm: PlanModel, student: str
) -> Iterable[tuple[tuple[str, str, str], cp_model.IntVar]]:
    for block in pm.problem.blocks:
        for activity, variable in pm.choices[student, block.id]:
            yield (student, block.id, activity), variable


def _same_day_choices(pm: PlanModel, student: str) -> Iterable[list[cp_model.IntVar]]:
    """Yield, per day and activity, the student's choices of it that day."""
    for _, blocks in pm.problem.days:
        by_activity: dict[str, list[cp_model.IntVar]] = {}
        for block in blocks:
            for activity, variable in pm.choices[student, block.id]:
                by_activity.setdefault(activity, []).append(variable)
        yield from by_activity.values()


# Soft terms ----------------------------------------------------------------


def rigor(pm: PlanModel) -> None:
    """Reward minutes on skills the student is ready for, by how much they need them."""
    weight = pm.problem.weights.rigor
    for (student, block, activity), variable in pm.x.items():
        value = pm.prepared.terms[student].activities[activity].value
        pm.gain(variable, weight * pm.problem.block_by_id[block].minutes * value)


def voice(pm: PlanModel) -> None:
    """Reward activities the student likes; a disliked must-do done as a variant counts 0.

    The read-out names a variant whenever that raises the voice, so the
    model counts the better of the two.
    """
    weight = pm.problem.weights.voice
    for (student, _, activity), variable in pm.x.items():
        pm.gain(
            variable,
            weight * pm.prepared.terms[student].activities[activity].best_voice,
        )


def confidence(pm: PlanModel) -> None:
    """Reward a struggle followed by a boost; penalise two struggles in a row.

    Each slot is a struggle, a boost or neither. For two blocks in a row the
    model picks one kind of pair (struggle then boost, and so on), which
    must agree with the kind of each of the two slots. That takes more
    variables than linking only the two kinds of pair that count, but its
    linear relaxation is exact for one day on its own, which makes the
    search and the bound much stronger.
    """
    weight = pm.problem.weights.confidence
    if not weight:
        return
    for student in pm.free:
        for first, second in pm.problem.consecutive_blocks:
            before = _kinds(pm, student, first.id)
            after = _kinds(pm, student, second.id)
            if "struggle" not in before:
                continue
            pairs = {
                (one, two): pm.model.new_bool_var(
                    f"pair[{student},{first.id},{second.id},{one},{two}]"
                )
                for one in before
                for two in after
            }
            for one, choices in before.items():
                kind_pairs = [(v, 1) for (k, _), v in pairs.items() if k == one]
                pm.add([*kind_pairs, *((c, -1) for c in choices)], 0, 0, [])
            for two, choices in after.items():
                kind_pairs = [(v, 1) for (_, k), v in pairs.items() if k == two]
                pm.add([*kind_pairs, *((c, -1) for c in choices)], 0, 0, [])
            if ("struggle", "boost") in pairs:
                pm.gain(pairs["struggle", "boost"], weight)
            if ("struggle", "struggle") in pairs:
                pm.gain(pairs["struggle", "struggle"], -weight)


def _kinds(pm: PlanModel, student: str, block: str) -> dict[str, list[cp_model.IntVar]]:
    """Sort a slot's choices into struggles, boosts and others."""
    activities = pm.prepared.terms[student].activities
    by_kind: dict[str, list[cp_model.IntVar]] = {}
    for activity, variable in pm.choices[student, block]:
        terms = activities[activity]
        kind = "struggle" if terms.struggle else "boost" if terms.boost else "other"
        by_kind.setdefault(kind, []).append(variable)
    return by_kind


def variety(pm: PlanModel) -> None:
    """Penalise each repeat of an activity on one day beyond the first."""
    weight = pm.problem.weights.variety
    if not weight:
        return
    for student in pm.free:
        # With at most one of an activity a day enforced, repeats cannot happen.
        if pm.problem.rules.max_same_activity_per_day <= 1 and pm.enforcement.always(
            "max_per_day", student
        ):
            continue
        for same_day in _same_day_choices(pm, student):
            if len(same_day) < 2:
                continue
            repeats = pm.new_int(len(same_day) - 1, f"repeats[{student}]")
            pm.add([(repeats, 1), *((v, -1) for v in same_day)], -1, BIG, [])
            pm.gain(repeats, -weight, upper=len(same_day) - 1)


def stability(pm: PlanModel) -> None:
    """Penalise each block whose activity differs from the previous plan."""
    weight = pm.problem.weights.stability
    if not weight:
        return
    for student in pm.free:
        for block, activity in pm.problem.previous.get(student, {}).items():
            pm.constant -= weight
            variable = pm.x.get((student, block, activity))
            if variable is not None:
                pm.gain(variable, weight)


# Objective -----------------------------------------------------------------


def set_objective(pm: PlanModel) -> None:
    """Maximise the objective, scaled to integers.

    Each coefficient is rounded on its own. Since a student has one slot per
    block, the error of the choices is at most the largest error among the
    choices of each slot; other variables add theirs times their range.
    """
    indices = list(pm.gains)
    scaled = [round(pm.gains[index] * OBJECTIVE_SCALE) for index in indices]
    pm.model.maximize(
        cp_model.LinearExpr.weighted_sum([pm.variables[i] for i in indices], scaled)
    )

    def error(index: int) -> float:
        return abs(
            round(pm.gains[index] * OBJECTIVE_SCALE) / OBJECTIVE_SCALE - pm.gains[index]
        )

    choice_indices: set[int] = set()
    allowance = 0.0
    for options in pm.choices.values():
        errors = [error(v.index) for _, v in options if v.index in pm.gains]
        choice_indices.update(v.index for _, v in options)
        allowance += max(errors, default=0.0)
    for index in indices:
        if index not in choice_indices:
            allowance += error(index) * pm.uppers[index]
    pm.rounding_allowance = allowance


def scaled_to_points(pm: PlanModel, scaled: float) -> float:
    """Turn a scaled solver objective into objective points."""
    return scaled / OBJECTIVE_SCALE + pm.constant
