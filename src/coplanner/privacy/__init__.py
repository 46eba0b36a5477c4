"""A school's data handed over or taken back: backup, restore, export, erase.

`rows` finds every row that belongs to a school or a student by following
the models' foreign keys, so that a model added later is covered without a
list to keep up to date.
"""
