"""Replay consumers' pacts against a live provider and say, in plain words, what broke."""
