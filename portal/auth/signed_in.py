"""The person signed in, as every request sees them: a few columns, not an ORM object.

Flask-Login loads the user on every request that checks a login. Pages read only who it is
(id, role, gmina, name, language): loading the account through the ORM, with its gmina joined,
cost a section page an eighth of its time. `SignedInUser` is those columns read in one
statement; the account itself (`User`), for the few actions that change it or link it to other
rows, is `record()`, from the session's identity map or by primary key.

Services take either: they use the attributes both have (`id`, `role`, `gmina_id`,
`is_official`, `is_staff`, `name`, `email`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import Select, bindparam, select

from portal.auth.models import Account, User
from portal.db import column_rows, session
from portal.municipalities.models import Gmina


# eq=False: equality stays Flask-Login's (UserMixin compares ids, so a User and its
# SignedInUser are equal).
@dataclass(eq=False)
class SignedInUser(Account):
    id: int
    email: str
    name: str
    role: str
    gmina_id: int | None
    gmina_name: str | None
    gmina_teryt6: str | None
    locale: str | None
    active: bool

    def record(self) -> User:
        """The account as an ORM object, to change it or to link other rows to it."""
        user = session.get(User, self.id)
        if user is None:  # deleted during this request: nothing may act in its name
            raise LookupError(f"user {self.id} no longer exists")
        return user

    def gmina_record(self) -> Gmina | None:
        """The official's gmina as an ORM object (None for staff)."""
        return session.get(Gmina, self.gmina_id) if self.gmina_id is not None else None


@cache
def _by_id() -> Select:
    # Built once, on first use (at import time the mappers may not all be configured).
    return (
        select(User.id, User.email, User.name, User.role, User.gmina_id, Gmina.name,
               Gmina.teryt6, User.locale, User.active)
        .join_from(User, Gmina, User.gmina_id == Gmina.id, isouter=True)
        .where(User.id == bindparam("id"))
    )


def signed_in_user(user_id: int) -> SignedInUser | None:
    """The account with this id as the requests see it; None if there is none."""
    rows = column_rows(_by_id(), {"id": user_id})
    return SignedInUser(*rows[0]) if rows else None


def as_signed_in(user: User) -> SignedInUser:
    """The same view of an account just loaded as an ORM object (at login)."""
    gmina = user.gmina
    return SignedInUser(user.id, user.email, user.name, user.role, user.gmina_id,
                        gmina.name if gmina else None, gmina.teryt6 if gmina else None,
                        user.locale, user.active)
