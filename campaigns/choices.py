from django.db import models


class Network(models.TextChoices):
    TIKTOK = "tiktok", "TikTok"
    INSTAGRAM = "instagram", "Instagram"
    FACEBOOK = "facebook", "Facebook"
    PINTEREST = "pinterest", "Pinterest"
    YOUTUBE = "youtube", "YouTube"
    SNAPCHAT = "snapchat", "Snapchat"
    CREATORS = "creators", "Creator / affiliate program"
    LIVE = "live", "Live shopping"
    ORGANIC = "organic", "Site organic traffic"
    OTHER = "other", "Other"


class Surface(models.TextChoices):
    NATIVE_SHOP = "native_shop", "Native shop"
    LINK_TO_SITE = "link_to_site", "Link to site"
    LIVE = "live", "Live"
    MESSAGING = "messaging", "Messaging"


class CatalogSync(models.TextChoices):
    NONE = "", "Not written down"
    FEED = "feed", "Scheduled feed"
    API = "api", "API / app integration"
    MANUAL = "manual", "Manual upload"


class Objective(models.TextChoices):
    BRANDING = "branding", "Branding (reach and recall)"
    PERFORMANCE = "performance", "Performance (sales)"


class CampaignFormat(models.TextChoices):
    CATALOG_AD = "catalog_ad", "Catalog ad"
    SHORT_VIDEO = "short_video", "Short video"
    STORY = "story", "Story"
    LIVE = "live", "Live"
    CREATOR_POST = "creator_post", "Creator post"
    NATIVE_SHOP_PROMOTION = "native_shop_promotion", "Native shop promotion"


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    SCHEDULED = "scheduled", "Scheduled"
    LIVE = "live", "Live"
    PAUSED = "paused", "Paused"
    ENDED = "ended", "Ended"

    @classmethod
    def checked(cls) -> list[str]:
        """Statuses the engine checks: not a draft, not ended (scheduled ones before they start)."""
        return [cls.IN_REVIEW, cls.SCHEDULED, cls.LIVE, cls.PAUSED]


class CheckoutPath(models.TextChoices):
    NATIVE = "native", "Native in-app checkout"
    SITE = "site", "Site checkout"


class ClaimKind(models.TextChoices):
    DELIVERY = "delivery", "Delivery time"
    DISPATCH = "dispatch", "Dispatch time"
    FREE_SHIPPING = "free_shipping", "Free shipping"
    RETURNS = "returns", "Returns"
    PRICE = "price", "Price"
    PROMO_CODE = "promo_code", "Promo code"
    PREORDER = "preorder", "Preorder"


class CopyField(models.TextChoices):
    """Which part of the copy a claim was read from."""

    CAPTION = "caption", "Caption"
    SCRIPT = "script", "Script"


class ClaimSource(models.TextChoices):
    ENTERED = "entered", "Entered"
    EXTRACTED = "extracted", "Extracted from copy"


class ShippingOption(models.TextChoices):
    ANY = "", "Any method"
    STANDARD = "standard", "Standard"
    EXPRESS = "express", "Express"
    NEXT_DAY = "next_day", "Next day"
    SAME_DAY = "same_day", "Same day"
