"""The ``newsflow`` command line: a thin layer over :mod:`pipeline` and the flows.

:mod:`.app` holds the shared parts; each other module is one group of commands and registers
them on the app when imported here.
"""

from __future__ import annotations

import sys

from flows.cli import analyst, db, evaluate, ingest, maintenance, sources, status
from flows.cli.app import app, main_command, run

__all__ = ["app", "main"]

_COMMAND_MODULES = (analyst, db, evaluate, ingest, maintenance, sources, status)


def main() -> None:
    argv = sys.argv[1:]
    sys.exit(run(main_command(argv), argv))


if __name__ == "__main__":
    main()
