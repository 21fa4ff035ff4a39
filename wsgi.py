"""The WSGI entry point: gunicorn 'wsgi:app', flask --app wsgi."""

import gc

from crm import create_app

app = create_app()
# What the application built at start-up lives as long as the worker: moved out of the
# garbage collector's reach, full collections stop pausing requests (tens of ms otherwise).
gc.freeze()
