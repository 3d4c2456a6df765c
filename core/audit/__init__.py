"""The append-only audit log of sites and of the platform."""
