"""The WSGI entry point: `gunicorn wsgi:app`, and where `flask` finds the app.

Once the app is built, the objects it is made of (modules, compiled templates, the models' metadata: about 200,000
of them) are moved out of the garbage collector's sight with `gc.freeze()`: they live as long as the worker, and a
full collection that walked them took 150–190 ms every few hundred requests, a pause every visitor queued behind
it felt (the search benchmark's p99; bench/README.md). Collections then walk only what requests make: about 10 ms.
"""
import gc

from core import create_app

app = create_app()
gc.freeze()
