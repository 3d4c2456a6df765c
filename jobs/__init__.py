"""Scheduled jobs and the scheduler process (`flask jobs run`).

Empty until the publishing issue brings the first job, scheduled publishing.
"""
