"""The promise checks engine.

- `preview`: the rules run on an unsaved campaign, in memory (the live preview);
- `facts`: plain-value facts about campaigns, loaded set-based by `loader`;
- `registry` and the rule families (`stock`, `pricing`, `shipping`, `returns`, `campaign`):
  each rule is a pure function of facts that yields findings;
- `reconcile`: findings -> conflicts, upserted in bulk with their history;
- `engine`: runs the rules over batches of campaigns and records the CheckRun.
"""
