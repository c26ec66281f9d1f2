"""The signup service: the consumer that registers people as users of the user service."""
