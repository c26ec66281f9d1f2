"""The broker's rules as pure functions over plain data: no SQL, no HTTP."""
