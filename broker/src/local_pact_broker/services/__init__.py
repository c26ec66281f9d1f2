"""What each write does: validate, store in one transaction, then emit events."""
