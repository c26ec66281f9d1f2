"""HTTP only: routes, HAL bodies, auth and error shapes (paths come from ``domain/urls.py``)."""

# Every route's parameters use the ``segment`` path convertor: it is registered before any
# routes module (here or in ``ui/``) declares a path.
import local_pact_broker.api.path_segments  # noqa: F401
