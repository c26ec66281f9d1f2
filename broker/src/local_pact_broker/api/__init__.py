"""HTTP only: routes, HAL bodies, auth and error shapes (paths come from ``domain/urls.py``)."""
