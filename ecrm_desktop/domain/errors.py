"""Errors a user can act on. Each carries the exit code the command line reports (see CLI.md)."""

from __future__ import annotations


class EcrmError(Exception):
    """Base of every error that reaches a person: its message is one plain sentence."""

    exit_code = 1


class UsageError(EcrmError):
    """The request itself is malformed: unknown option, invalid query, unreadable input file."""

    exit_code = 2


class AuthenticationFailed(EcrmError):
    """Wrong user name, password or second factor."""

    exit_code = 5


class PermissionDenied(EcrmError):
    """The signed-in user's role does not allow the action."""

    exit_code = 4


class WorkspaceError(EcrmError):
    """The workspace folder is missing, already exists, or its files are damaged."""


class PasswordPolicyError(UsageError):
    """A new password is too short or too common."""


class NotFound(EcrmError):
    """The record asked for does not exist."""


class SecondFactorRequired(AuthenticationFailed):
    """The password was right; the user has a second factor and no code was given."""
