"""The evaluation module's tables, each kept in the file of its part (imported here so the app and Alembic see them).

- visits_models: the visit statistics (page views and unique visitors per site per day, per item per day).
"""
from core.evaluation.visits_models import PortalVisitDay, VisitDay, VisitFlush, VisitItemDay  # noqa: F401
