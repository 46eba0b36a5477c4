"""Hostile input: files and requests built to break coplanner."""
