"""The ``contract-first`` command: one module per family of verbs, wired in ``app``."""
