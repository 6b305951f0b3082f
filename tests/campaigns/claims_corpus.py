"""A corpus of captions and scripts as brands write them, each with the claims it makes.

Hand-written cases first, then variety from templates: every template states its expected
claims from its own parameters (never from the reader), so each generated case is explicit.
Expected claims are (kind, *what it promises): see campaigns.claims_score.KEYS.
"""

from __future__ import annotations

from campaigns.claims_score import Case

NNBSP, NBSP = "\u202f", "\u00a0"


def D(days: int, option: str = "") -> tuple:  # a delivery claim
    return ("delivery", days, option)


def S(days: int) -> tuple:  # a dispatch claim ("ships")
    return ("dispatch", days)


def R(days: int | None, free: bool | None = None) -> tuple:
    return ("returns", days, free)


def F(amount: str | None = None, currency: str = "") -> tuple:
    return ("free_shipping", amount, currency)


def P(amount: str, currency: str) -> tuple:
    return ("price", amount, currency)


def C(code: str) -> tuple:
    return ("promo_code", code)


PRE = ("preorder",)

HAND: list[Case] = [
    # Thousands separators.
    Case("$1,299 for the pair. Worth every penny 🖤", "en", (P("1299", "USD"),)),
    Case("The Oak Sofa: £2,450, made to order in Devon", "en", (P("2450", "GBP"),)),
    Case("€1,150.50, the whole set\n#interiors", "en", (P("1150.50", "EUR"),)),
    Case("1 299 € la paire, pour toujours", "fr", (P("1299", "EUR"),)),
    Case(f"1{NNBSP}299 € la paire 🤍", "fr", (P("1299", "EUR"),)),
    Case(f"Le canapé Lin à 2{NBSP}490 €, livré monté", "fr", (P("2490", "EUR"),)),
    Case(f"1{NNBSP}049,90{NNBSP}€ au lieu de 1{NNBSP}290 €", "fr",
         (P("1049.90", "EUR"), P("1290", "EUR"))),
    Case("Le sérum à 19€99 seulement ✨", "fr", (P("19.99", "EUR"),)),
    # Discounts are not prices.
    Case("Take $10 off with code SPRING10 🌸", "en", (C("SPRING10"),)),
    Case("5 € offerts dès 50 € d'achat", "fr", ()),
    Case("-20 % sur toute la collection 🔥", "fr", ()),
    Case("Save €15 on the duo this weekend", "en", ()),
    Case("Jusqu'à -30 % sur les soldes d'hiver ❄️", "fr", ()),
    Case("$25 off orders over $150, today only", "en", ()),
    Case("10 € de réduction avec le code HELLO10", "fr", (C("HELLO10"),)),
    Case("Get £5 off your first order | code WELCOME5", "en", (C("WELCOME5"),)),
    Case("Économisez 20 € sur le coffret", "fr", ()),
    Case("Up to 40% off, this weekend only", "en", ()),
    # Prices inside product names.
    Case("Mini Kit 10€ is back in stock 🎉", "en", (), ("Mini Kit 10€",)),
    Case("Le Mini Kit 10€ revient, et il part vite", "fr", (), ("Mini Kit 10€",)),
    Case("Shop the €10 Mini Lip Kit, our bestseller", "en", ()),
    Case("Our Duo 2x50ml is the gift of the season", "en", (), ("Duo 2x50ml",)),
    Case("The Kit 5£ for stocking fillers, £12 the pair", "en", (P("12", "GBP"),),
         ("Kit 5£",)),
    # Dispatch is not delivery.
    Case("Ships the same day 📦", "en", (S(0),)),
    Case("Order by 2pm, ships today", "en", (S(0),)),
    Case("Expédiée sous 24h depuis notre atelier", "fr", (S(1),)),
    Case("Expédition en 24h, partout en France", "fr", (S(1),)),
    Case("Dispatched within 2 business days", "en", (S(2),)),
    Case("Commandée avant 14h, expédiée le jour même", "fr", (S(0),)),
    Case("Ships in 48h, delivered in 3-5 days", "en", (S(2), D(5))),
    Case("Expédié en 24h, livré en 48h 🚚", "fr", (S(1), D(2))),
    # Boundaries: emoji, line breaks, hashtags and " | ".
    Case("Livraison offerte en 48h 🚚 retours gratuits sous 30 jours 💛", "fr",
         (F(), D(2), R(30, True))),
    Case("Delivery in 48h\nReturns within 30 days", "en", (D(2), R(30))),
    Case("48h hydration | free returns for 30 days", "en", (R(30, True),)),
    Case("Livraison offerte #48h retours gratuits", "fr", (F(), R(None, True))),
    Case("Free delivery 🚚 60-day returns 🔁 made in Portugal", "en", (F(), R(60))),
    Case("Nouveau 🌿\nSoin 48h hydratation\nLivraison en 72h", "fr", (D(3),)),
    # Shared adjectives.
    Case("Free shipping & returns on everything", "en", (F(), R(None, True))),
    Case("Livraison et retours gratuits", "fr", (F(), R(None, True))),
    Case("free delivery and 60-day returns", "en", (F(), R(60))),
    Case("Free shipping and returns, always", "en", (F(), R(None, True))),
    Case("Livraison et retours offerts toute l'année", "fr", (F(), R(None, True))),
    # Cut-offs are not durations.
    Case("Order before 2pm for next-day delivery", "en", (D(1),)),
    Case("Commandez avant 14h, livrée demain", "fr", (D(1),)),
    Case("Commandez avant 14h30, livraison en 24h", "fr", (D(1),)),
    Case("Order by 11pm tonight", "en", ()),
    Case("Order today, delivered tomorrow ✨", "en", (D(1),)),
    Case("Order today and get it delivered in 48h", "en", (D(2),)),
    # Tomorrow, same day: days, not an option.
    Case("Delivered tomorrow 🚀", "en", (D(1),)),
    Case("Livrée demain chez vous", "fr", (D(1),)),
    Case("Same-day delivery in Paris", "en", (D(0),)),
    Case("Express delivery in 24 hours", "en", (D(1, "express"),)),
    Case("Livraison express en 24h", "fr", (D(1, "express"),)),
    # Numbers that promise nothing.
    Case("48h hydration, clinically tested", "en", ()),
    Case("Family-run since 2019", "en", ()),
    Case("Now in 48 colours 🎨", "en", ()),
    Case("Our 24/7 chat answers in minutes", "en", ()),
    Case("100% organic cotton, 30 washes guaranteed", "en", ()),
    Case("Rated 4.8 by 2,000 customers", "en", ()),
    Case("SPF 50, 30 ml, fragrance-free", "en", ()),
    Case("Hydratation 48h, testée sous contrôle dermatologique", "fr", ()),
    Case("Depuis 2019, fabriqué à Lyon", "fr", ()),
    Case("Disponible en 48 coloris", "fr", ()),
    Case("Top 10 des cadeaux de Noël 🎄", "fr", ()),
    Case("Open 7 days a week, 10am-7pm", "en", ()),
    Case("Our 21-day glow challenge starts Monday", "en", ()),
    Case("The code of beauty: less is more", "en", ()),
    Case("", "en", ()),
    # Scripts and longer captions.
    Case("Hook: 'I found the perfect shirt'\nShow the fabric\nCTA: free shipping, code LINEN15",
         "en", (F(), C("LINEN15"))),
    Case("Plan 1 : le produit en main\nPlan 2 : « livrée en 48h »\nPlan 3 : code LEA15", "fr",
         (D(2), C("LEA15"))),
    Case("POV: your order ships today 📦✨ #smallbusiness #packwithme", "en", (S(0),)),
    Case("Packing your orders 📦 everything ships within 24h!", "en", (S(1),)),
    Case("On prépare vos colis 📦 tout part sous 48h", "fr", (S(2),)),
    Case("New drop Friday 6pm 🔥 set your alarms", "en", ()),
    Case("Live ce soir à 20h avec notre formulatrice 🎥", "fr", ()),
    Case("Join us live at 8pm for 20% off everything", "en", ()),
    Case("Black Friday : -40 % pendant 48h seulement ⏳", "fr", ()),
    Case("48 hours only: 25% off the whole site", "en", ()),
    Case("Flash sale ends in 24h ⏰", "en", ()),
    Case("Offre valable 7 jours", "fr", ()),
    Case("Our founder spent 3 years on this formula", "en", ()),
    Case("Testé pendant 28 jours par 120 femmes", "fr", ()),
    Case("Results in 14 days, or your money back", "en", (R(14),)),
    Case("Remboursé sous 14 jours si vous n'êtes pas conquise", "fr", (R(14),)),
    Case("Free gift over €60 🎁", "en", ()),
    Case("Un cadeau offert dès 60 € d'achat 🎁", "fr", ()),
    Case("A €50 gift card for the first 100 orders", "en", ()),
    Case("We raised €12,000 for the ocean 🌊", "en", ()),
    Case("2 for £30 on all candles 🕯️", "en", (P("30", "GBP"),)),
    Case("3 pour 2 sur les bougies, 29 € l'unité", "fr", (P("29", "EUR"),)),
    Case("From $49 | free shipping over $75", "en", (F("75", "USD"),)),
    Case("Prix doux : 39 € 💛 livraison offerte", "fr", (P("39", "EUR"), F())),
    Case("Now €89 (was €120) ✨", "en", (P("89", "EUR"), P("120", "EUR"))),
    Case("Delivered in 2-3 business days 🇫🇷", "en", (D(3),)),
    Case("Livraison en 3 à 5 jours ouvrés", "fr", (D(5),)),
    Case("Ships next day, arrives in 2 days", "en", (S(1), D(2))),
    Case("Delivery: 48h. Returns: 30 days. Love: forever.", "en", (D(2), R(30))),
    Case("Livraison 48h • Retours 30 jours • Paiement en 3x", "fr", (D(2), R(30))),
    Case("48h delivery! Code SUMMER20. 48h delivery, code SUMMER20", "en",
         (D(2), C("SUMMER20"))),
    Case("Back in stock in 2 weeks, join the waitlist", "en", ()),
    Case("Returns within 2 weeks, free of charge", "en", (R(14),)),
    Case("Retour sous 2 semaines", "fr", (R(14),)),
    Case("Livraison demain pour toute commande passée avant 13h", "fr", (D(1),)),
    # Codes, preorders, thresholds.
    Case("Use code SUMMER20 at checkout", "en", (C("SUMMER20"),)),
    Case("-20% avec le code ETE20 ☀️", "fr", (C("ETE20"),)),
    Case("Promo code: glow15", "en", (C("GLOW15"),)),
    Case("Précommande ouverte : expédition début mars", "fr", (PRE,)),
    Case("Pre-order now, ships 15 March", "en", (PRE,)),
    Case("Free shipping over €50", "en", (F("50", "EUR"),)),
    Case("Livraison gratuite dès 39 €", "fr", (F("39", "EUR"),)),
    Case("Free UK delivery on orders over £40", "en", (F("40", "GBP"),)),
    Case("Free shipping on orders over $1,000", "en", (F("1000", "USD"),)),
    Case(f"Livraison offerte dès 1{NNBSP}000 €", "fr", (F("1000", "EUR"),)),
    Case("Free shipping over $50 and 30-day returns", "en", (F("50", "USD"), R(30))),
    Case("Retours gratuits sous 30 jours", "fr", (R(30, True),)),
    Case("Try it risk-free: free 60-day returns", "en", (R(60, True),)),
    Case("Returns accepted within 14 days", "en", (R(14),)),
    Case("Free returns, 30 days to change your mind", "en", (R(30, True),)),
    Case("Livraison en 48h et retours gratuits 30 jours", "fr", (D(2), R(30, True))),
    Case("Delivered in 3 days and returns accepted for 14 days", "en", (D(3), R(14))),
]  # fmt: skip

# -- templates -------------------------------------------------------------------------------

EN_PRODUCTS = ["the linen shirt", "our glow serum", "the cashmere crew", "the oak side table"]
FR_PRODUCTS = [
    "la chemise en lin",
    "notre sérum éclat",
    "le pull en cachemire",
    "la table en chêne",
]
EN_PRICES = [("$1,299", "1299", "USD"), ("£24", "24", "GBP"), ("€19.99", "19.99", "EUR"),
             ("$2,450.00", "2450.00", "USD"), ("£1,050", "1050", "GBP")]  # fmt: skip
FR_PRICES = [("1 299 €", "1299", "EUR"), (f"1{NNBSP}299 €", "1299", "EUR"),
             ("19,99 €", "19.99", "EUR"), (f"2{NBSP}450,00 €", "2450.00", "EUR"),
             ("24€", "24", "EUR")]  # fmt: skip
EN_PRICE_TEMPLATES = [
    "Meet {p}: {a} ✨",
    "{a} for {p} this week only\n#newin #style",
    "Back in stock | {p} | {a}",
    "Treat yourself to {p}, now {a}!",
]
FR_PRICE_TEMPLATES = [
    "Découvrez {p} : {a} ✨",
    "{p} à {a} seulement\n#nouveauté",
    "De retour | {p} | {a}",
]
EN_DELIVERY = [
    ("{n}h delivery to {c} 🚚", lambda n: D(-(-n // 24))),
    ("Delivered in {n} days to {c}", D),
    ("{c}: delivery in {n} business days", D),
]
FR_DELIVERY = [
    ("Livraison en {n}h en {c} 🚚", lambda n: D(-(-n // 24))),
    ("Livrée en {n} jours en {c}", D),
    ("{c} : livraison sous {n} jours ouvrés", D),
]
EN_DISPATCH = [
    ("Ships within {n}h from our {c} studio 📦", lambda n: S(-(-n // 24))),
    ("Dispatched in {n} days, tracked to {c}", S),
]
FR_DISPATCH = [
    ("Expédiée sous {n}h depuis notre atelier en {c}", lambda n: S(-(-n // 24))),
    ("Expédition en {n} jours vers la {c}", S),
]
EN_COUNTRIES = ["Italy", "Germany", "Spain", "the UK", "Belgium"]
FR_COUNTRIES = ["Italie", "Allemagne", "Espagne", "Belgique", "France"]
EN_NOTHING = [
    "{n}h hydration for {p}",
    "{p}, loved since 20{n}",
    "{p} now comes in {n} colours",
    "{n} reviews and counting for {p} 💬",
    "{p}: {n}% recycled fibres",
]
FR_NOTHING = [
    "{p}, {n}h d'hydratation",
    "{p}, depuis 20{n}",
    "{p} existe en {n} coloris",
    "{n} avis pour {p} 💬",
    "{p} : {n} % de fibres recyclées",
]
EN_DISCOUNTS = ["Take {a} off {p}", "Save {a} on {p}", "{a} off {p} this weekend"]
FR_DISCOUNTS = ["{a} offerts sur {p}", "Économisez {a} sur {p}", "{a} de réduction sur {p}"]
EN_FREE = [
    ("Free shipping over {a} 📦", True),
    ("Free delivery on orders over {a}", True),
    ("Free shipping & returns on {p}", False),
]
FR_FREE = [
    ("Livraison offerte dès {a}", True),
    ("Frais de port offerts à partir de {a}", True),
    ("Livraison et retours gratuits sur {p}", False),
]
RETURN_DAYS = [14, 30, 60]


def _generated() -> list[Case]:
    cases: list[Case] = []
    for i, template in enumerate(EN_PRICE_TEMPLATES):
        for j, (shown, amount, currency) in enumerate(EN_PRICES):
            product = EN_PRODUCTS[(i + j) % len(EN_PRODUCTS)]
            text = template.format(p=product, a=shown)
            cases.append(Case(text, "en", (P(amount, currency),)))
    for i, template in enumerate(FR_PRICE_TEMPLATES):
        for j, (shown, amount, currency) in enumerate(FR_PRICES):
            product = FR_PRODUCTS[(i + j) % len(FR_PRODUCTS)]
            text = template.format(p=product, a=shown)
            cases.append(Case(text, "fr", (P(amount, currency),)))
    for language, templates, countries in (
        ("en", EN_DELIVERY, EN_COUNTRIES),
        ("fr", FR_DELIVERY, FR_COUNTRIES),
        ("en", EN_DISPATCH, EN_COUNTRIES),
        ("fr", FR_DISPATCH, FR_COUNTRIES),
    ):
        for template, claim in templates:
            hours = "{n}h" in template
            for k, country in enumerate(countries):
                n = (24, 48, 72, 24, 48)[k] if hours else (1, 2, 3, 5, 7)[k]
                cases.append(Case(template.format(n=n, c=country), language, (claim(n),)))
    for language, templates, products in (
        ("en", EN_NOTHING, EN_PRODUCTS),
        ("fr", FR_NOTHING, FR_PRODUCTS),
    ):
        for template in templates:
            for k, product in enumerate(products):
                n = (12, 19, 24, 48)[k]
                cases.append(Case(template.format(n=n, p=product), language, ()))
    for language, templates, products, amounts in (
        ("en", EN_DISCOUNTS, EN_PRODUCTS, ["$10", "£15", "€20", "$1,000"]),
        ("fr", FR_DISCOUNTS, FR_PRODUCTS, ["5 €", "10 €", f"1{NNBSP}000 €", "15€"]),
    ):
        for template in templates:
            for product, amount in zip(products, amounts, strict=True):
                cases.append(Case(template.format(a=amount, p=product), language, ()))
    for language, templates, products, amounts in (
        ("en", EN_FREE, EN_PRODUCTS, [("€50", "50", "EUR"), ("$1,000", "1000", "USD"),
                                      ("£40", "40", "GBP")]),
        ("fr", FR_FREE, FR_PRODUCTS, [("39 €", "39", "EUR"), (f"1{NNBSP}000 €", "1000", "EUR"),
                                      ("49,90 €", "49.90", "EUR")]),
    ):  # fmt: skip
        for template, with_threshold in templates:
            for product, (shown, amount, currency) in zip(products, amounts, strict=False):
                text = template.format(a=shown, p=product)
                expected = (F(amount, currency),) if with_threshold else (F(), R(None, True))
                cases.append(Case(text, language, expected))
    for days in RETURN_DAYS:
        cases += [
            Case(f"Free returns for {days} days 💛", "en", (R(days, True),)),
            Case(f"{days}-day returns, no questions asked", "en", (R(days),)),
            Case(f"Retours gratuits sous {days} jours", "fr", (R(days, True),)),
            Case(f"Satisfait ou remboursé pendant {days} jours", "fr", (R(days),)),
            Case(f"48h delivery 🚚 {days}-day returns", "en", (D(2), R(days))),
            Case(f"Livraison en 48h 🚚 retours sous {days} jours", "fr", (D(2), R(days))),
        ]
    for code in ("GLOW15", "NORA10", "ETE25"):
        cases += [
            Case(f"Use code {code} for 15% off 💫", "en", (C(code),)),
            Case(f"Avec le code {code} : -15 % sur tout", "fr", (C(code),)),
            Case(f"Take $10 off with code {code}", "en", (C(code),)),
            Case(f"5 € offerts avec le code {code}", "fr", (C(code),)),
        ]
    for product, title in (
        ("Mini Kit 10€", "Mini Kit 10€"),
        ("Duo 2x30ml", "Duo 2x30ml"),
        ("Coffret 3 à 25€", "Coffret 3 à 25€"),
    ):
        cases += [
            Case(f"{product} is back 🎉", "en", (), (title,)),
            Case(f"Le {product}, le cadeau parfait", "fr", (), (title,)),
            Case(f"The {product} at £18", "en", (P("18", "GBP"),), (title,)),
        ]
    return cases


CORPUS: list[Case] = [*HAND, *_generated()]
