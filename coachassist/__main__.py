from coachassist.cli import entry

entry()
