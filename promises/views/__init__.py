"""Ops pages by family: `conflicts` (the queue, one conflict, waiver requests), `operations`
(the promises: shipping, returns, checkout countries, codes, support replies) and `runs`
(the checks engine's runs). `promises.urls` routes to the modules."""
