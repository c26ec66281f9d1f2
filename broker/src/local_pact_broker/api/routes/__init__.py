"""HTTP routes, one module per resource family, speaking the official broker's API."""
