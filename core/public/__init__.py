"""The public site of each department: homepage, sections, articles, site map."""
from core.public.views import init_app  # noqa: F401
