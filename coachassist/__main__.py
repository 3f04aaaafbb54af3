from coachassist.cli import main

raise SystemExit(main())
