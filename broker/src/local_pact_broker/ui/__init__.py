"""Server-rendered pages for people: the dashboard, the matrix and readable pacts."""
