"""The catch matrix: which gate catches which provider change, from a catalogue of changes.

``catalogue`` reads the changes, ``engine`` runs every gate against each in a fresh
``worker`` process, ``document`` writes ``docs/catch-matrix.md``; ``contract-first
catch-matrix`` is the verb.
"""
