"""Talk to a Pact Broker: connection and credentials, the official CLI, versions from git."""
