"""``/health``: readiness for load balancers and for tests that start the server."""

from fastapi import APIRouter

from user_service.dependencies import UsersRepositoryDep
from user_service.models import Health

router = APIRouter(tags=["health"])


@router.get("/health", operation_id="get_health", summary="Health check", response_model=Health)
def get_health(users: UsersRepositoryDep) -> Health:
    """Answer ``ok`` once the database can be read, so a caller polling it knows we are ready."""
    users.ping()
    return Health(status="ok")
