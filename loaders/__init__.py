"""The warehouse: extraction results in, verified and reusable records out.

`db` (engines, sessions, migrations, error translation) · `models` (tables and status vocabularies)
· `load` (idempotent load of one extraction) · `identity` (subjects by key, candidates otherwise)
· `review` (steward decisions) · `batches` (batch bookkeeping and report numbers).
"""
