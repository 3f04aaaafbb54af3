"""Errors a user can fix; the CLI and the app show them as one clear line."""


class UserError(Exception):
    """Bad input (a file, an option): ``str(error)`` is the whole message for the user."""

    exit_code = 2
