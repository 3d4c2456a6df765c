from tests.interaction.letter_helpers import calendar_2026, clock, officer_of  # noqa: F401  (fixtures)
