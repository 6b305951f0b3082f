"""What the catalog announces when it writes many rows at once (imports, Shopify webhooks).

Bulk writes (bulk_create, bulk_update, raw deletes) send no model signals, and a webhook that
saves a product with its variants should be one event, not one per row. So the writer sends
one of these per chunk or delivery, inside its transaction; apps above the catalog listen
(the checks engine re-checks the campaigns concerned once the transaction commits). Sent with
`sender` = the model whose rows changed. Ids are any iterable of primary keys; a signal is
sent only when at least one row changed.
"""

from django.dispatch import Signal

products_changed = Signal()
"""Products' own fields changed (status, published, title, options, ...).

kwargs: `product_ids` - the products; every SKU of each is concerned.
"""

skus_changed = Signal()
"""SKUs' own fields changed (price, compare-at price, code, barcode, inventory policy, ...).

kwargs: `sku_ids` - the changed SKUs (new SKUs need not be announced: no campaign promotes
them yet).
"""

stock_levels_changed = Signal()
"""Stock levels were created, updated or deleted.

kwargs: `sku_ids` - the SKUs whose stock (at any location) changed.
"""
