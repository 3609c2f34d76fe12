"""`python -m reader` runs the same command as `reader`."""

import sys

from reader.cli.main import main

if __name__ == "__main__":  # not when a worker process of the analysis pool imports this module
    sys.exit(main())
