"""Entry point for `python -m knowledge`."""
import sys

from .cli import main

sys.exit(main())
