"""gunicorn settings for ``bench/load.py``: workers start warm.

The application (``coplanner.wsgi``, which imports every view and the
planner with them) is loaded once in the master, before it forks its
workers, as a production server started with ``--preload`` does; otherwise
each worker would import it on its first request, which takes seconds.
"""

preload_app = True
