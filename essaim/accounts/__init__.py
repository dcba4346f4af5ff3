"""Accounts: the User model, sign-in, invitations, guests, two-factor authentication."""
