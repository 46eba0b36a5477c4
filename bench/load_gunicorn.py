"""gunicorn settings for ``bench/load.py``: workers start warm.

The application and every view module (the planner and the solver with
them) are imported once in the master, before it forks its workers, as a
production server started with ``--preload`` does; otherwise each worker
would import them on its first request, which takes seconds.
"""

preload_app = True


def when_ready(server: object) -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - importing the views is the point
