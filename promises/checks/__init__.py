"""The promise checks engine.

- `preview`: the rules run on an unsaved campaign, in memory (the live preview);
- `facts`: plain-value facts about campaigns, loaded set-based by `loader`;
- `registry` and the rule families in `rules/` (`stock`, `pricing`, `shipping`, `returns`,
  `campaign`), registered from PromisesConfig.ready(): each rule is a pure function of facts
  that yields findings;
- `messages`: what a finding says, as a translatable template and its params (`say(...)`),
  stored beside the English message so each reader reads it in their own language;
  `statements` marks the rules' statements for the catalog;
- `reconcile`: findings -> conflicts: a pure plan of the changes, then a bulk writer of it;
- `engine`: runs the rules over batches of campaigns and records the CheckRun.
"""
