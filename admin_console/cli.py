"""``epn-console``: the admin console. The server and GUI come with the console issue."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``epn-console`` console script."""
    parser = argparse.ArgumentParser(prog="epn-console", description=__doc__)
    parser.parse_args(argv)
    print("epn-console: the admin console is not built yet; see the README.", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
