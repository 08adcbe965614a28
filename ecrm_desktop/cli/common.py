"""What every command shares: the parser class, credentials, workspace unlocking and output."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ecrm_desktop.domain.errors import AuthenticationFailed, EcrmError, SecondFactorRequired, UsageError

if TYPE_CHECKING:
    from ecrm_desktop.services.workspace import UserSession


class CliError(EcrmError):
    """A command-line problem that is not a usage error of argparse itself."""


class Parser(argparse.ArgumentParser):
    """Reports argparse's usage errors as `UsageError` (exit code 2, one line)."""

    def error(self, message: str) -> Any:
        raise UsageError(f"{message} (see '{self.prog} --help').")


def flag(args: argparse.Namespace, name: str) -> bool:
    """A common flag (`--json`, `--debug`) that may stand before or after the command."""
    return bool(getattr(args, name, False))


def workspace_folder(args: argparse.Namespace) -> Path:
    from ecrm_desktop.services.locations import default_workspace_folder

    folder: Path | None = getattr(args, "workspace", None)
    return (folder or default_workspace_folder()).expanduser().resolve()


def user_name() -> str:
    return os.environ.get("ECRM_USER") or "admin"


def password(variable: str, prompt: str, confirm: bool = False) -> str:
    value = os.environ.get(variable)
    if value:
        return value
    if not sys.stdin.isatty():
        raise AuthenticationFailed(f"No password: set {variable} or run the command in a terminal.")
    value = getpass.getpass(prompt)
    if confirm and getpass.getpass("Repeat it: ") != value:
        raise UsageError("The two passwords differ.")
    return value


def unlock(args: argparse.Namespace) -> UserSession:
    """Sign in as ECRM_USER; a second factor comes from ECRM_TOTP or, on a terminal, a prompt."""
    from ecrm_desktop.services.workspace import WorkspaceService

    where, user, service = workspace_folder(args), user_name(), WorkspaceService()
    if not os.environ.get("ECRM_PASSWORD"):
        remembered = service.unlock_remembered(where, user)
        if remembered is not None:
            return remembered
    secret = password("ECRM_PASSWORD", f"Password for {user}: ")
    try:
        return service.unlock(where, user, secret, code=os.environ.get("ECRM_TOTP"))
    except SecondFactorRequired:
        if os.environ.get("ECRM_TOTP") or not sys.stdin.isatty():
            raise
        return service.unlock(where, user, secret, code=input("Authentication code (or a recovery code): "))


@contextmanager
def signed_in(args: argparse.Namespace) -> Iterator[UserSession]:
    session = unlock(args)
    try:
        yield session
    finally:
        session.close()


@contextmanager
def output(path: Path | None) -> Iterator[TextIO]:
    """Standard output, or a file written beside its target and renamed into place only when complete."""
    if path is None:
        yield sys.stdout
        return
    tmp = path.with_name(f".{path.name}.partial")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as exc:
        raise CliError(f"Cannot write {path}: {exc.strerror}.") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def say(args: argparse.Namespace, data: dict[str, Any], sentence: str) -> None:
    if flag(args, "json"):
        print(json.dumps(data))
    else:
        print(sentence)


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-01-31") from None


def positive_int(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value
