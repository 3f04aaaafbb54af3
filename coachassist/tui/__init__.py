"""The Textual app: intake, questionnaire, results and format library.

Nothing in this package is imported by the non-interactive commands; ``create_app`` in
``coachassist.tui.app`` is the one entry point (used by ``coachassist app`` and the tests).
"""
