"""The WSGI application a production server (gunicorn, uWSGI) serves.

Loading it also imports every view, and the planner and the solver with
them, so that the first request of a worker is not the one that waits for
them; a server that loads the application before it forks its workers
(gunicorn's ``--preload``) then starts every worker warm.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coplanner.settings.production")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 - importing the views is the point

# What is loaded by now lives as long as the process, some 190,000 objects.
# Left to the garbage collector, each of its full passes scans them all and
# stalls the request it happens in by about 100 ms; frozen, a pass scans only
# what requests create. After a fork, it also leaves the memory the workers
# share unwritten.
gc.freeze()
