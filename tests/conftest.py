"""Shared fixtures. Engine tests (tests/engine) need no database."""
