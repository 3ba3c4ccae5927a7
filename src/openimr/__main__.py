import sys

from openimr.cli import main

sys.exit(main())
