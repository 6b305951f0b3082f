"""The words the claims reader knows, one table per language.

Each entry is a regular-expression fragment matched case-insensitively as a whole word. A new
language is a new `Words(...)` added to LANGUAGES: the reader (campaigns/claims.py) has no
language in its code.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Words:
    language: str  # ISO 639-1
    delivery: tuple[str, ...]  # the parcel reaching the buyer
    dispatch: tuple[str, ...]  # the parcel leaving the warehouse
    returns: tuple[str, ...]
    preorder: tuple[str, ...]
    free: tuple[str, ...]  # the adjective, alone
    free_shipping: tuple[str, ...]  # phrases that mean shipping is free
    shipping_nouns: tuple[str, ...]  # what "free" may be shared with ("Free shipping & returns")
    conjunctions: tuple[str, ...]
    express: tuple[str, ...]
    hours: tuple[str, ...]
    days: tuple[str, ...]
    weeks: tuple[str, ...]
    business: tuple[str, ...]  # "business days", "jours ouvrés"
    tomorrow: tuple[str, ...]
    same_day: tuple[str, ...]
    today: tuple[str, ...]  # only right after the promise word: "ships today"
    cutoff: tuple[str, ...]  # before a time of day: "order before 14h" is not a duration
    threshold: tuple[str, ...]  # before an amount: "free shipping over €50"
    off_after: tuple[str, ...]  # after an amount: "$10 off", "5 € offerts"
    off_before: tuple[str, ...]  # before an amount: "save €15"
    not_price_after: tuple[str, ...]  # after an amount that is no price: "€50 gift card"
    not_price_before: tuple[str, ...]  # before one: "we raised €12,000", "gagnez 500 €"
    code: tuple[str, ...]  # words that introduce a promo code
    not_codes: tuple[str, ...] = ()
    numbers: dict[str, int] = field(default_factory=dict)
    months: dict[str, int] = field(default_factory=dict)


ENGLISH = Words(
    language="en",
    delivery=(
        r"deliver(?:y|ies|ed|s)?", "shipping", r"arriv(?:es?|ing)", "at your door",
        "on your doorstep", "in your hands", "gets? to you", "in your mailbox",
    ),
    dispatch=(
        "ships", "ship", "shipped", r"dispatch(?:ed|es)?", "sent out", "goes out",
        "out the door", "leaves? our warehouse", "posted",
    ),
    returns=(r"returns?", r"refunds?", "money[ -]back"),
    preorder=(r"pre-?orders?", r"pre orders?"),
    free=("free",),
    free_shipping=(
        r"free (?:standard |express |tracked |uk |us |eu |worldwide |next[ -]day )?"
        r"(?:shipping|delivery)",
        "ships free", "shipping is free", "delivery is free", "shipping on us",
    ),
    shipping_nouns=("shipping", "delivery", "exchanges"),
    conjunctions=("&", "and", r"\+", "/"),
    express=("express",),
    hours=("h", "hrs?", "hours?"),
    days=("days?",),
    weeks=("weeks?",),
    business=("business", "working"),
    tomorrow=("tomorrow", r"next[ -]day", "overnight"),
    same_day=(r"same[ -]day",),
    today=("today", "tonight"),
    cutoff=("before", "by", "until", "till", "at"),
    threshold=(
        "over", "above", "from", r"orders? of", "spend", "spend over", "when you spend",
        "minimum", "min", r"orders? over", "baskets? over", "more than",
    ),
    off_after=("off", "discount", "back", "cashback", "saving", "reduction"),
    off_before=("save", "saving", "take", "extra"),
    not_price_after=("gift card", "voucher", "raised", "donated", "worth of", "credit"),
    not_price_before=("raised", "donated", "win", "worth", "to win", "prize of"),
    code=(
        "promo[ -]?code", "discount code", "coupon code", "coupon", "voucher code", "code",
        "use code",
    ),
    not_codes=("promo", "code", "the", "at", "and", "with", "for", "of", "is", "below"),
    numbers={
        "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
        "ten": 10, "fourteen": 14, "thirty": 30, "sixty": 60, "ninety": 90,
    },
    months={
        "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
        "july": 7, "august": 8, "september": 9, "october": 10, "november": 11,
        "december": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7,
        "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    },
)  # fmt: skip

FRENCH = Words(
    language="fr",
    delivery=(
        r"livraisons?", r"livr[ée]e?s?", "livrons", r"re[çc]ue?s?", "chez (?:toi|vous)",
        "à (?:ta|votre) porte", "dans (?:ta|votre) boîte aux lettres",
    ),
    dispatch=(
        r"exp[ée]di(?:tion|ée?s?|é|ons)", r"envoy[ée]e?s?", r"envois?", "part de l'entrepôt",
    ),
    returns=(r"retours?", r"rembours(?:ements?|ée?s?)"),
    preorder=(r"pr[ée]-?commandes?", r"pr[ée]commandez"),
    free=(r"gratuite?s?", r"offerte?s?"),
    free_shipping=(
        r"livraison (?:standard |express |en point relais )?(?:offerte|gratuite)",
        r"frais de (?:port|livraison) (?:offerts|gratuits)", "port offert",
        r"livraison (?:et|&) retours (?:gratuits|offerts)",
    ),
    shipping_nouns=("livraison", "échanges"),
    conjunctions=("et", "&", r"\+"),
    express=("express", "exprès"),
    hours=("h", "heures?"),
    days=("jours?",),
    weeks=("semaines?",),
    business=(r"ouvr[ée]s", "ouvrables"),
    tomorrow=("demain", "le lendemain"),
    same_day=("le jour même", "le jour-même", "le jour J"),
    today=("aujourd'hui", "ce soir"),
    cutoff=("avant", "jusqu'à", "à", "dès"),
    threshold=(
        "dès", "à partir de", "au-dessus de", "plus de", r"commandes? de", "achats? de",
        r"paniers? de", "minimum",
    ),
    off_after=(
        r"offerte?s?", "de réduction", "de remise", "de moins", "de rabais", "remboursés",
    ),
    off_before=("économisez", "économise", "remise de", "réduction de", "rabais de"),
    not_price_after=(
        "d'achats?", "de commande", "carte cadeau", "bon d'achat", "reversés", "récoltés",
    ),
    not_price_before=("récolté", "récoltés", "reversé", "reversés", "gagnez", "à gagner"),
    code=("code promo", "code"),
    not_codes=("le", "la", "du", "de", "et", "avec", "pour", "promo", "des", "est"),
    numbers={
        "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7,
        "dix": 10, "quatorze": 14, "quinze": 15, "trente": 30, "soixante": 60,
    },
    months={
        "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5,
        "juin": 6, "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10,
        "novembre": 11, "décembre": 12, "decembre": 12,
    },
)  # fmt: skip

SPANISH = Words(
    language="es",
    delivery=(r"entregas?", r"entregad[oa]s?", r"env[íi]os?", r"recib(?:es|irás|elo)"),
    dispatch=(r"enviad[oa]s?", "se envía", "sale de nuestro almacén"),
    returns=(r"devoluci(?:ón|ones)", r"reembolsos?"),
    preorder=("preventa", "reserva anticipada"),
    free=(r"gratis", r"gratuit[oa]s?"),
    free_shipping=(r"env[íi]os? gratis", r"env[íi]os? gratuitos?", "entrega gratuita"),
    shipping_nouns=("envío", "envíos"),
    conjunctions=("y", "&", r"\+"),
    express=("exprés", "express", "urgente"),
    hours=("horas",),
    days=(r"d[íi]as?",),
    weeks=("semanas?",),
    business=(r"h[áa]biles", "laborables"),
    tomorrow=("mañana",),
    same_day=(r"el mismo d[íi]a",),
    today=("hoy",),
    cutoff=("antes de las", "hasta las", "a las"),
    threshold=("desde", "a partir de", "en pedidos de", r"más de"),
    off_after=("de descuento", "menos"),
    off_before=("ahorra",),
    not_price_after=("en tarjeta regalo",),
    not_price_before=("gana",),
    code=("código", "cupón"),
    not_codes=("el", "la", "de", "con", "y"),
    numbers={"uno": 1, "dos": 2, "tres": 3, "cinco": 5, "diez": 10, "treinta": 30},
    months={
        "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6,
        "julio": 7, "agosto": 8, "septiembre": 9, "octubre": 10, "noviembre": 11,
        "diciembre": 12,
    },
)  # fmt: skip

GERMAN = Words(
    language="de",
    delivery=(r"lieferung", r"geliefert", r"liefern", r"lieferzeit", "bei dir"),
    dispatch=(r"versand", r"versandt", r"verschickt", r"versendet"),
    returns=(r"rückgabe", r"retouren?", r"rücksendung(?:en)?"),
    preorder=(r"vorbestell(?:en|ung)",),
    free=(r"kostenlose?[rs]?", "gratis"),
    free_shipping=(r"kostenlose?r? versand", "versandkostenfrei", r"gratis[ -]versand"),
    shipping_nouns=("versand",),
    conjunctions=("und", "&", r"\+"),
    express=("express",),
    hours=("std", "stunden"),
    days=(r"tagen?", r"werktagen?"),
    weeks=(r"wochen?",),
    business=(),
    tomorrow=("morgen",),
    same_day=("am selben tag", "am gleichen tag"),
    today=("heute",),
    cutoff=("bis", "vor", "um"),
    threshold=("ab", "über"),
    off_after=("rabatt", "günstiger", "sparen"),
    off_before=("spare",),
    not_price_after=("gutschein",),
    not_price_before=("gewinne",),
    code=("gutscheincode", "rabattcode"),
    not_codes=("der", "die", "das", "mit", "und"),
    numbers={"zwei": 2, "drei": 3, "fünf": 5, "zehn": 10, "dreißig": 30},
    months={
        "januar": 1, "februar": 2, "märz": 3, "juni": 6, "juli": 7, "oktober": 10,
        "dezember": 12,
    },
)  # fmt: skip

LANGUAGES: tuple[Words, ...] = (ENGLISH, FRENCH, SPANISH, GERMAN)
