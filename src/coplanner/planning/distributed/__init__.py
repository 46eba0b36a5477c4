"""Plan a school's or a district's week on a Dask cluster, one task per unit.

A planning unit is a set of classrooms that must be solved together because
they share staff (`units`). The main process reads the database and
builds each unit's problem (`week`); a worker runs only the pure engine
(`worker`) and sends the plan back; the main process checks every plan and
stores it as new plan versions the way a class's draft is stored. Knowledge
tracing is refitted the same way, one task per skill (`mastery`).

This package and its `units`, `worker`, `cluster` and `mastery` modules import
no Django, so that a worker can import the tasks without a database.
"""
