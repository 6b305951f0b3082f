"""The rules' business statements (their docstrings), marked for the French catalog.

A docstring cannot be marked where it is written, so each is said again here, once:
`Rule.statement` looks its docstring up in the catalog, and a test keeps these and the
docstrings the same (tests/promises/checks/test_messages.py).
"""

from django.utils.translation import gettext_noop

STATEMENTS = (
    # campaign
    gettext_noop(
        "The channel lacks a calendar owner, a creative budget, a catalog sync or a "
        "response-time commitment."
    ),
    gettext_noop("The channel's catalog sync is older than its allowed age."),
    gettext_noop("The campaign cites none of stock, customer service or margin."),
    gettext_noop("A performance campaign has no stop rule or no qualified basket threshold."),
    gettext_noop("A creator or paid-partnership campaign has no disclosure."),
    gettext_noop(
        "A standard support reply states a delivery time or return window that contradicts "
        "the campaign's claim."
    ),
    gettext_noop(
        "A live (or paused) performance campaign's measured ROAS or CPA has crossed its stop "
        "rule; a paused one stays blocked so it cannot go live again unchanged."
    ),
    # pricing
    gettext_noop("The announced price differs from the store price (or the active sale price)."),
    gettext_noop(
        "The announced code does not exist, is inactive, does not cover the campaign's dates,"
        " SKUs or channel, or its usage limit is below the expected uses."
    ),
    gettext_noop(
        "The announced price after discount, minus unit cost and channel fees, is below zero "
        "(or below the configured floor)."
    ),
    # returns
    gettext_noop(
        'The claimed return window is longer than the policy, or "free returns" are claimed '
        "against a paid policy."
    ),
    gettext_noop(
        "A final-sale SKU (or one whose category the policy excludes) is promoted with a "
        "returns claim."
    ),
    # shipping
    gettext_noop(
        "The claimed delivery time is shorter than the slowest enabled method's maximum days "
        "for a target country at the campaign's dates, peak-season overrides included."
    ),
    gettext_noop(
        'A claimed dispatch time ("ships the same day", "expédiée sous 24h") is shorter than '
        "the enabled methods' handling time for a target country."
    ),
    gettext_noop(
        "A target country has no enabled shipping method, or the checkout does not sell there."
    ),
    gettext_noop(
        "A claimed option (express, free shipping under a threshold) is not enabled for a "
        "target country."
    ),
    gettext_noop(
        "In-app checkout is used where the channel's native checkout is not enabled for a "
        "target country."
    ),
    gettext_noop("A promoted SKU may not ship to a target country."),
    # stock
    gettext_noop(
        "A promoted SKU has nothing available to promise during the campaign, and the item is"
        " not honestly marked preorder."
    ),
    gettext_noop("The campaign's expected units exceed what is available to promise."),
    gettext_noop(
        "Overlapping campaigns, on any channels, together expect or reserve more units of a "
        "SKU than exist, or one campaign alone reserves more than exist; every campaign "
        "involved is named."
    ),
    gettext_noop("A publicly promoted SKU has neither a reservation nor a preorder message."),
    gettext_noop(
        "A preorder is announced but the SKU has no availability date, or the date is later "
        "than the delivery claimed."
    ),
    gettext_noop("The promoted product is draft, archived or unpublished: the link leads nowhere."),
)
