"""The shell of the public sites: each department site's homepage, and the portal's on the city domain."""
from core.public.views import init_app  # noqa: F401
