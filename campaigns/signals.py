"""What the campaigns app announces about writes that bypass save() on purpose."""

from django.dispatch import Signal

channel_catalog_synced = Signal()
"""A network fetched a channel's catalog feed: the channel's catalog is in sync as of now.

Written with one UPDATE (no save(), no model signal), because networks fetch hourly.
kwargs: `channel_id` - the channel; `was_stale` - True when the previous sync was older than
the channel's allowed age (or never happened), the one case where a check of the sync's age
can change its verdict for the channel's campaigns.
"""
