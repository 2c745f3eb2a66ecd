"""Account creation and password authentication."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from portal.auth.models import Role, User
from portal.core import audit
from portal.core.errors import DomainError
from portal.db import session, utcnow

MIN_PASSWORD_LENGTH = 12
MAX_FAILED_LOGINS = 10
LOCKOUT = timedelta(minutes=15)
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# scrypt is memory-hard; werkzeug's parameters (n=2**15, r=8, p=1) cost ~32 MiB per hash.
PASSWORD_METHOD = "scrypt"
# A hash to check against when the account does not exist, so both paths cost the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method=PASSWORD_METHOD)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def validate_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            _("Hasło musi mieć co najmniej %(n)d znaków.", n=MIN_PASSWORD_LENGTH)
        )
    if len(password) > 256:
        raise DomainError(_("Hasło może mieć najwyżej 256 znaków."))


def create_user(*, email: str, name: str, role: str, password: str, gmina=None, actor=None) -> User:
    """Create an account; officials need a gmina, staff must not have one."""
    email = normalise_email(email)
    if not EMAIL_RE.match(email):
        raise DomainError(_("Niepoprawny adres e-mail: %(email)s", email=email))
    if role not in set(Role):
        raise DomainError(_("Nieznana rola: %(role)s", role=role))
    if (role == Role.OFFICIAL) != (gmina is not None):
        raise DomainError(_("Urzędnik musi mieć gminę; recenzent i administrator – nie."))
    if find_user_by_email(email) is not None:
        raise DomainError(_("Konto %(email)s już istnieje.", email=email))
    validate_password(password)
    user = User(
        email=email,
        name=name.strip() or email,
        role=role,
        gmina_id=gmina.id if gmina is not None else None,
        password_hash=generate_password_hash(password, method=PASSWORD_METHOD),
    )
    session.add(user)
    session.flush()
    audit.record("user.created", "user", user.id, actor=actor, email=email, role=role)
    return user


def find_user_by_email(email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """Return the user if the password matches; failures look the same whatever the reason."""
    user = find_user_by_email(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    now = datetime.now(UTC)
    locked_until = user.locked_until
    if locked_until is not None and locked_until.tzinfo is None:
        locked_until = locked_until.replace(tzinfo=UTC)  # SQLite drops the zone
    password_ok = check_password_hash(user.password_hash, password)
    if locked_until is not None and locked_until > now:
        return None
    if not password_ok or not user.active:
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
            audit.record("user.locked", "user", user.id)
        return None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = utcnow()
    return user


def set_password(user: User, password: str, *, actor=None) -> None:
    validate_password(password)
    user.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)
    audit.record("user.password_changed", "user", user.id, actor=actor)


def remember_language(user: User, code: str) -> None:
    """Keep the language a person chose on their account: their e-mails are written in it
    and their next login, on any device, starts in it."""
    if user.locale != code:
        user.locale = code
        session.flush()


def language_after_login(user: User, chosen_before: str | None) -> str | None:
    """The interface language for a new login: the one just chosen on the login page (which
    the account then keeps), else the account's own."""
    if chosen_before is not None:
        remember_language(user, chosen_before)
        return chosen_before
    return user.locale
