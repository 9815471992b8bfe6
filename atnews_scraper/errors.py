"""Errors a user can act on: each carries one line saying what is wrong and what to do."""

from __future__ import annotations

# Exit codes, documented in README.md ("Exit codes").
EXIT_OK = 0
EXIT_PARTIAL = 1  # the job ran, but failures passed the allowed threshold
EXIT_USAGE = 2  # bad options or configuration: nothing was done
EXIT_UNAVAILABLE = 3  # a needed service (database, site) could not be reached
EXIT_LOCKED = 4  # another run holds the lock


class AtnewsError(Exception):
    """An error with a message meant for the user; the CLI prints it without a traceback."""

    exit_code = EXIT_USAGE


class ConfigError(AtnewsError):
    exit_code = EXIT_USAGE


class StoreUnavailable(AtnewsError):
    exit_code = EXIT_UNAVAILABLE


class LockHeld(AtnewsError):
    exit_code = EXIT_LOCKED


class SiteUnreachable(AtnewsError):
    exit_code = EXIT_UNAVAILABLE
