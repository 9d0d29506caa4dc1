"""``python -m kiosk.agent``: the agent alone, with the options of ``epn-kiosk agent``."""

import argparse
import sys

from kiosk.agent.cli import add_arguments

parser = argparse.ArgumentParser(prog="python -m kiosk.agent", description=__doc__)
add_arguments(parser)
arguments = parser.parse_args()
sys.exit(arguments.run(arguments))
