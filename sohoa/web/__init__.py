"""The web app of `sohoa serve`: the reuse API under /v1 and the steward review UI under /review."""
