"""What each network's catalog feed looks like: files, columns, required fields and limits.

From the networks' product specifications (see ../shared/formats/README.md); the Meta and
Google sample feeds there are what a valid file looks like.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from campaigns.choices import Network


class Availability(StrEnum):
    """Availability as SKUs have it; each network spells it its own way."""

    IN_STOCK = "in_stock"
    OUT_OF_STOCK = "out_of_stock"
    PREORDER = "preorder"
    BACKORDER = "backorder"


@dataclass(frozen=True)
class Spec:
    """One network's feed: its columns in order, what is required, and its limits."""

    network: str
    id_field: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    availability: dict[Availability, str]
    # Values the network accepts, beyond the ones SocialOps writes (older spellings...).
    accepted_availability: frozenset[str] = frozenset()
    max_lengths: dict[str, int] = field(default_factory=dict)
    # At least one of these must be present (Google: brand, gtin or mpn).
    one_of: tuple[str, ...] = ()
    # Availability values that need an availability_date.
    dated: frozenset[str] = frozenset()

    def accepts(self, value: str) -> bool:
        return value in set(self.availability.values()) | self.accepted_availability


META = Spec(
    network="Meta",
    id_field="id",
    columns=(
        "id",
        "title",
        "description",
        "availability",
        "condition",
        "price",
        "link",
        "image_link",
        "brand",
        "quantity_to_sell_on_facebook",
        "sale_price",
        "item_group_id",
        "gtin",
    ),
    required=(
        "id",
        "title",
        "description",
        "availability",
        "condition",
        "price",
        "link",
        "image_link",
        "brand",
    ),
    availability={
        Availability.IN_STOCK: "in stock",
        Availability.OUT_OF_STOCK: "out of stock",
        Availability.PREORDER: "preorder",
        Availability.BACKORDER: "available for order",
    },
    accepted_availability=frozenset({"discontinued"}),
    max_lengths={"id": 100, "title": 200, "description": 9999},
)

GOOGLE = Spec(
    network="Google",
    id_field="id",
    columns=(
        "id",
        "title",
        "description",
        "link",
        "image_link",
        "availability",
        "availability_date",
        "price",
        "sale_price",
        "brand",
        "gtin",
        "mpn",
        "condition",
        "item_group_id",
    ),
    required=("id", "title", "description", "link", "image_link", "availability", "price"),
    availability={
        Availability.IN_STOCK: "in_stock",
        Availability.OUT_OF_STOCK: "out_of_stock",
        Availability.PREORDER: "preorder",
        Availability.BACKORDER: "backorder",
    },
    # Google still reads the spaced spellings of its example feed.
    accepted_availability=frozenset({"in stock", "out of stock"}),
    max_lengths={"id": 50, "title": 150, "description": 5000},
    one_of=("brand", "gtin", "mpn"),
    dated=frozenset({"preorder", "backorder"}),
)

TIKTOK = Spec(
    network="TikTok",
    id_field="sku_id",
    columns=(
        "sku_id",
        "title",
        "description",
        "availability",
        "condition",
        "price",
        "link",
        "image_link",
        "brand",
        "item_group_id",
        "sale_price",
        "gtin",
        "mpn",
    ),
    required=(
        "sku_id",
        "title",
        "description",
        "availability",
        "condition",
        "price",
        "link",
        "image_link",
        "brand",
    ),
    availability={
        Availability.IN_STOCK: "in stock",
        Availability.OUT_OF_STOCK: "out of stock",
        Availability.PREORDER: "preorder",
        Availability.BACKORDER: "available for order",
    },
    accepted_availability=frozenset({"discontinued"}),
    # TikTok publishes no limits in the formats README; Meta's are the safe common ground.
    max_lengths={"sku_id": 100, "title": 200, "description": 9999},
)

PINTEREST = Spec(
    network="Pinterest",
    id_field="id",
    columns=(
        "id",
        "title",
        "description",
        "link",
        "image_link",
        "price",
        "availability",
        "item_group_id",
        "sale_price",
        "brand",
        "condition",
        "gtin",
    ),
    required=("id", "title", "description", "link", "image_link", "price", "availability"),
    availability={
        Availability.IN_STOCK: "in stock",
        Availability.OUT_OF_STOCK: "out of stock",
        # Pinterest knows no backorder: orderable now, shipped later is its preorder.
        Availability.PREORDER: "preorder",
        Availability.BACKORDER: "preorder",
    },
    max_lengths={"id": 127, "title": 500, "description": 10000},
)


@dataclass(frozen=True)
class FeedFormat:
    """A file a network fetches: its spec, how it is written, and its URL name."""

    key: str
    filename: str
    spec: Spec
    writer: str  # "csv", "tsv" or "rss"
    content_type: str


FORMATS: dict[str, FeedFormat] = {
    f.key: f
    for f in (
        FeedFormat("meta", "meta.csv", META, "csv", "text/csv; charset=utf-8"),
        FeedFormat("google-xml", "google.xml", GOOGLE, "rss", "application/rss+xml; charset=utf-8"),
        FeedFormat(
            "google-tsv", "google.tsv", GOOGLE, "tsv", "text/tab-separated-values; charset=utf-8"
        ),
        FeedFormat("tiktok", "tiktok.csv", TIKTOK, "csv", "text/csv; charset=utf-8"),
        FeedFormat("pinterest", "pinterest.csv", PINTEREST, "csv", "text/csv; charset=utf-8"),
    )
}
BY_FILENAME = {f.filename: f for f in FORMATS.values()}

# The format a channel's own network reads; other channels get Meta's, the most common.
NETWORK_FORMAT = {
    Network.FACEBOOK: "meta",
    Network.INSTAGRAM: "meta",
    Network.TIKTOK: "tiktok",
    Network.PINTEREST: "pinterest",
    Network.YOUTUBE: "google-xml",  # YouTube Shopping reads Google Merchant Center
}


def format_for_network(network: str) -> FeedFormat:
    return FORMATS[NETWORK_FORMAT.get(network, "meta")]
