"""contract-first: verify consumers' pacts against a FastAPI provider, gate drift, release safely.

The command line (``contract-first``) is the usual way in; the folders are the library:
``verify`` replays pacts against a live app, ``gates`` compare pacts, spec and client, and
``release`` talks to a Pact Broker through the official CLI.
"""

__version__ = "0.1.0"
