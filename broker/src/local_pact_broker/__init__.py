"""A local, single-process Pact Broker that the official Pact clients can talk to unchanged."""
