#!/usr/bin/env python3
"""Runs a command with a throwaway PostgreSQL server: with_postgres.py CMD [ARGS...]
The command gets the server's conninfo in BEAST_OAUTH_TEST_POSTGRES; the server is stopped
and its directory removed afterwards, whatever the command's outcome."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pg_server import PostgresServer  # noqa: E402


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    pg = PostgresServer()
    try:
        env = dict(os.environ, BEAST_OAUTH_TEST_POSTGRES=pg.conninfo)
        return subprocess.run(sys.argv[1:], env=env).returncode
    finally:
        pg.stop()


if __name__ == "__main__":
    sys.exit(main())
