from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Network(models.TextChoices):
    TIKTOK = "tiktok", "TikTok"
    INSTAGRAM = "instagram", "Instagram"
    FACEBOOK = "facebook", "Facebook"
    PINTEREST = "pinterest", "Pinterest"
    YOUTUBE = "youtube", "YouTube"
    SNAPCHAT = "snapchat", "Snapchat"
    CREATORS = "creators", _("Creator / affiliate program")
    LIVE = "live", _("Live shopping")
    ORGANIC = "organic", _("Site organic traffic")
    OTHER = "other", _("Other")


class Surface(models.TextChoices):
    NATIVE_SHOP = "native_shop", _("Native shop")
    LINK_TO_SITE = "link_to_site", _("Link to site")
    LIVE = "live", pgettext_lazy("surface", "Live")
    MESSAGING = "messaging", _("Messaging")


class CatalogSync(models.TextChoices):
    NONE = "", _("Not written down")
    FEED = "feed", _("Scheduled feed")
    API = "api", _("API / app integration")
    MANUAL = "manual", _("Manual upload")


class Objective(models.TextChoices):
    BRANDING = "branding", _("Branding (reach and recall)")
    PERFORMANCE = "performance", _("Performance (sales)")


class CampaignFormat(models.TextChoices):
    CATALOG_AD = "catalog_ad", _("Catalog ad")
    SHORT_VIDEO = "short_video", _("Short video")
    STORY = "story", _("Story")
    LIVE = "live", pgettext_lazy("campaign format", "Live")
    CREATOR_POST = "creator_post", _("Creator post")
    NATIVE_SHOP_PROMOTION = "native_shop_promotion", _("Native shop promotion")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("campaign status", "Draft")
    IN_REVIEW = "in_review", pgettext_lazy("campaign status", "In review")
    SCHEDULED = "scheduled", pgettext_lazy("campaign status", "Scheduled")
    LIVE = "live", pgettext_lazy("campaign status", "Live")
    PAUSED = "paused", pgettext_lazy("campaign status", "Paused")
    ENDED = "ended", pgettext_lazy("campaign status", "Ended")

    @classmethod
    def checked(cls) -> list[str]:
        """Statuses the engine checks: not a draft, not ended (scheduled ones before they start)."""
        return [cls.IN_REVIEW, cls.SCHEDULED, cls.LIVE, cls.PAUSED]


class CheckoutPath(models.TextChoices):
    NATIVE = "native", _("Native in-app checkout")
    SITE = "site", _("Site checkout")


class ClaimKind(models.TextChoices):
    DELIVERY = "delivery", _("Delivery time")
    DISPATCH = "dispatch", _("Dispatch time")
    FREE_SHIPPING = "free_shipping", _("Free shipping")
    RETURNS = "returns", _("Returns")
    PRICE = "price", _("Price")
    PROMO_CODE = "promo_code", _("Promo code")
    PREORDER = "preorder", _("Preorder")


class CopyField(models.TextChoices):
    """Which part of the copy a claim was read from."""

    CAPTION = "caption", _("Caption")
    SCRIPT = "script", _("Script")


class ClaimSource(models.TextChoices):
    ENTERED = "entered", pgettext_lazy("claim source", "Entered")
    EXTRACTED = "extracted", pgettext_lazy("claim source", "Extracted from copy")


class ShippingOption(models.TextChoices):
    ANY = "", _("Any method")
    STANDARD = "standard", _("Standard")
    EXPRESS = "express", _("Express")
    NEXT_DAY = "next_day", _("Next day")
    SAME_DAY = "same_day", _("Same day")
