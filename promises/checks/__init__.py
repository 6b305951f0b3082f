"""The promise checks engine.

- `preview`: the rules run on an unsaved campaign, in memory (the live preview);
- `facts`: plain-value facts about campaigns, loaded set-based by `loader`;
- `registry` and the rule families in `rules/` (`stock`, `pricing`, `shipping`, `returns`,
  `campaign`), registered from PromisesConfig.ready(): each rule is a pure function of facts
  that yields findings;
- `reconcile`: findings -> conflicts: a pure plan of the changes, then a bulk writer of it;
- `engine`: runs the rules over batches of campaigns and records the CheckRun.
"""
