"""The WSGI entry point: `gunicorn wsgi:app`, and where `flask` finds the app."""
from core import create_app

app = create_app()
