"""cdktf app entry point (``cdktf.json`` runs it): synthesize the config in DUALSTACK_CONFIG."""

import sys

from dualstack.cli import main

if __name__ == "__main__":
    sys.exit(main())
