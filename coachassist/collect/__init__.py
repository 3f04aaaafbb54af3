"""Collecting answers on respondents' own phones: ``coachassist collect`` and the app screen.

``state`` keeps the answers and writes them durably, ``server`` renders the pages, ``runner``
starts and stops a server inside any asyncio loop (the CLI's or the app's). Never imports
Textual.
"""
