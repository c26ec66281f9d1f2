"""The broker's rules as pure functions over plain data (and its URL table): no SQL, no HTTP."""
