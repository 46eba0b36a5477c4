"""The audit log: who changed what, when, in ids and codes only.

Every write path calls `coplanner.audit.actions.record` inside its own
transaction, so an entry exists exactly when the change does.
"""
