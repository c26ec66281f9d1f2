"""Gates that fail a build on drift: pacts against the spec, spec and client against the code."""
