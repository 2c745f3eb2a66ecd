"""Imports every model module so that metadata is complete (Alembic, tests, create_all)."""


def import_all_models() -> None:
    from portal.auth import models as _auth  # noqa: F401
    from portal.core import audit as _audit  # noqa: F401
    from portal.editions import models as _editions  # noqa: F401
    from portal.municipalities import models as _municipalities  # noqa: F401
    from portal.notifications import models as _notifications  # noqa: F401
    from portal.police_data import models as _police_data  # noqa: F401
    from portal.questionnaires import models as _questionnaires  # noqa: F401
    from portal.review import models as _review  # noqa: F401
    from portal.scoring import models as _scoring  # noqa: F401
    from portal.submissions import models as _submissions  # noqa: F401
