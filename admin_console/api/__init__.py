"""The staff API's request and response bodies: the one source of the console's contract.

The server's routes take these models as bodies and return them (its OpenAPI document is
generated from them); the staff window parses every reply with the same models. The
package needs pydantic and ``epn_shared`` only: it imports neither FastAPI, Starlette,
SQLAlchemy, Qt, the server nor the window (an import-linter contract), so both sides can
import it.

Records the API shows exactly as they are stored (tickets, workshops, audit lines, events)
are defined here once, and the repositories return them: this package sits below the
server, as ``epn_shared`` does, so the repositories importing it adds no cycle, and a
field added to a stored record is added to its answer by the same line. Repositories keep
their own dataclasses where the stored record and the answer differ (members, help calls,
PCs).
"""
