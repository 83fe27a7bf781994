"""``python -m hybridchain``."""

from hybridchain.cli import main

raise SystemExit(main())
