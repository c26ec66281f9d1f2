"""The notification service: the consumer that looks users up to address notifications."""
