import pytest

from ecrm_desktop.domain.errors import PasswordPolicyError
from ecrm_desktop.domain.passwords import check_password


def test_accepts_long_uncommon_password() -> None:
    check_password("violet-harbour-7-kettles")


@pytest.mark.parametrize("password", ["short", "123456789", ""])
def test_refuses_short_passwords(password: str) -> None:
    with pytest.raises(PasswordPolicyError, match="at least 10"):
        check_password(password)


@pytest.mark.parametrize("password", ["password123", "Password123", "qwertyuiop", "1234567890", "administrator"])
def test_refuses_common_passwords(password: str) -> None:
    with pytest.raises(PasswordPolicyError, match="common"):
        check_password(password)
