"""The promise checks engine.

- `extract`: claims read from a campaign's copy (English and French);
- `facts`: plain-value facts about campaigns, loaded set-based by `loader`;
- `registry` and the rule families (`stock`, `pricing`, `shipping`, `returns`, `campaign`):
  each rule is a pure function of facts that yields findings;
- `reconcile`: findings -> conflicts, upserted in bulk with their history;
- `engine`: runs the rules over batches of campaigns and records the CheckRun.
"""
