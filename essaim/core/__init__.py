"""Shared building blocks with no domain knowledge. Imports no other Essaim app."""
