"""Accounts: roles, API keys and passwords (docs/DESIGN.md, "Settled details" → Accounts).

One table of principals (in `loaders`): people sign in with an argon2-hashed password, services
use random API keys looked up by prefix and checked with a keyed SHA-256 (microseconds).
"""
