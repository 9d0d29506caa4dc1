"""Alembic environment of the console's database.

The console builds the configuration in code and passes an open connection (see
``admin_console.server.db.engine.upgrade``); no alembic.ini.
"""

from admin_console.server.db.engine import MIGRATIONS
from admin_console.server.db.models import Base

MIGRATIONS.run(Base.metadata)
