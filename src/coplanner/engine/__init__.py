"""The pure-Python core of coplanner: knowledge tracing and the planner.

Nothing under this package may import Django, so that the command line, the
web app and a cluster worker can all use it as a plain library.
"""
