"""Alembic environment of the agent's local store.

The agent builds the Alembic configuration in code and passes an open connection (see
``kiosk.agent.store.MIGRATIONS``); no alembic.ini.
"""

from kiosk.agent.store import MIGRATIONS, metadata

MIGRATIONS.run(metadata)
