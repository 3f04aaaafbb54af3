"""Intakes: response and intake files, their validation, and filling one in step by step."""
