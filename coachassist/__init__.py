"""coachassist: a rule-based coaching assistant for team-dynamics diagnosis."""

__version__ = "0.1.0"
