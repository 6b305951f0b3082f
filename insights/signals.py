"""What insights announces when it writes many rows at once (the CSV imports).

Bulk writes send no model signals, so the importer sends one of these per chunk, inside its
transaction, when at least one row was created or updated; apps above insights listen (the
checks engine re-checks the campaigns whose measured ROAS and CPA feed their stop rules). Sent
with `sender` = the model whose rows changed. Ids are sets of primary keys; rows without a
campaign (or channel) add nothing to the corresponding set.
"""

from django.dispatch import Signal

orders_changed = Signal()
"""Orders were created or updated.

kwargs: `campaign_ids` - the campaigns the orders are attributed to; `channel_ids` - the
channels they came through.
"""

channel_metrics_changed = Signal()
"""Daily channel metrics (spend, clicks, purchases, ...) were created or updated.

kwargs: `campaign_ids` - the campaigns of campaign-level rows; `channel_ids` - the channels
of every row, whole-channel rows included.
"""
