"""The city portal on the bare city domain: every site, and the city's latest news."""
from core.portal.views import init_app  # noqa: F401
