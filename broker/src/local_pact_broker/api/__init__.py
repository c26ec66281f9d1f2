"""HTTP only: routes, the URL table, HAL bodies, auth and error shapes."""
