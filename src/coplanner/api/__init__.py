"""The REST API for integrations (v1): rosters, skills, mastery, plans, evidence in.

Integrations authenticate with a school's integration token
(``Authorization: Bearer <token>``) and see only that school.
"""
