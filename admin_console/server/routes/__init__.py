"""The console's API, one :class:`fastapi.APIRouter` module per resource."""
