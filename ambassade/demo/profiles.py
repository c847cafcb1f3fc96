"""The demo's people and their readers: names, departments, browsers, bots, referrers."""

from __future__ import annotations

from dataclasses import dataclass

FIRST_NAMES_FR = [
    "Léa",
    "Hugo",
    "Chloé",
    "Lucas",
    "Manon",
    "Nathan",
    "Camille",
    "Théo",
    "Inès",
    "Louis",
    "Sarah",
    "Arthur",
    "Emma",
    "Jules",
    "Clara",
    "Paul",
    "Juliette",
    "Maxime",
    "Alice",
    "Antoine",
    "Zoé",
    "Thomas",
    "Margaux",
    "Romain",
    "Élise",
    "Julien",
    "Anaïs",
    "Mathieu",
    "Pauline",
    "Nicolas",
    "Laura",
    "Bastien",
    "Océane",
    "Victor",
    "Marion",
    "Adrien",
    "Lina",
    "Karim",
    "Aïcha",
    "Mehdi",
    "Sofia",
    "Kevin",
    "Fanny",
    "Benoît",
    "Hélène",
    "Yann",
    "Amandine",
    "Rémi",
]
LAST_NAMES_FR = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Nguyen",
    "Haddad",
    "Benoît",
    "Diallo",
]
FIRST_NAMES_MA = [
    "Youssef",
    "Salma",
    "Omar",
    "Imane",
    "Mehdi",
    "Yasmine",
    "Hamza",
    "Kenza",
    "Amine",
    "Sanaa",
    "Rachid",
    "Nadia",
    "Anas",
    "Houda",
    "Ilyas",
    "Meryem",
    "Soufiane",
    "Zineb",
    "Adil",
    "Hajar",
]
LAST_NAMES_MA = [
    "Benali",
    "El Idrissi",
    "Alaoui",
    "Bennani",
    "Tazi",
    "Berrada",
    "El Amrani",
    "Chraibi",
    "Fassi",
    "Ouazzani",
    "Lahlou",
    "Benjelloun",
    "Kettani",
    "Sefrioui",
    "Bouzid",
    "Naciri",
]
FIRST_NAMES_EN = ["Emily", "James", "Olivia", "Daniel", "Grace", "Ryan", "Hannah", "Liam"]
LAST_NAMES_EN = ["Smith", "Walker", "Turner", "Hughes", "Clarke", "Evans", "Murphy", "Kelly"]


@dataclass(frozen=True)
class Department:
    name: str
    inside: str  # as in "Côté RH, ..."
    inside_lower: str  # as in "Chez nous, côté RH, ..."
    english: str
    specialties: tuple[str, ...]
    weight: int


def _dept(name: str, inside: str, english: str, weight: int, *specialties: str) -> Department:
    return Department(name, inside, inside[0].lower() + inside[1:], english, specialties, weight)


VERDANE_DEPARTMENTS = [
    _dept(
        "Ingénierie",
        "Côté ingénierie",
        "engineering",
        6,
        "Solaire",
        "Éolien",
        "Réseaux électriques",
        "Hydrogène",
        "Stockage",
    ),
    _dept(
        "Commercial",
        "Côté commercial",
        "sales",
        4,
        "Grands comptes",
        "Collectivités",
        "Export Afrique",
    ),
    _dept("RH", "Côté RH", "HR", 3, "Recrutement", "Marque employeur", "Formation"),
    _dept("Marketing", "Côté marketing", "marketing", 3, "Contenu", "Digital", "Événementiel"),
    _dept("Finance", "Côté finance", "finance", 2, "Contrôle de gestion", "Financement de projets"),
    _dept("R&D", "Au labo R&D", "R&D", 3, "Électrolyse", "Batteries", "Smart grids"),
    _dept(
        "Service client",
        "Au service client",
        "customer service",
        2,
        "Support B2B",
        "Relation client",
    ),
    _dept(
        "Exploitation",
        "Côté exploitation",
        "operations",
        3,
        "Maintenance",
        "Supervision",
        "Sécurité",
    ),
]
CALDERA_DEPARTMENTS = [
    _dept(
        "Restauration",
        "En cuisine",
        "the kitchen",
        5,
        "Cuisine",
        "Pâtisserie",
        "Sommellerie",
        "Salle",
    ),
    _dept(
        "Hôtellerie",
        "À la réception",
        "front office",
        4,
        "Réception",
        "Conciergerie",
        "Revenue management",
    ),
    _dept("RH", "Côté RH", "HR", 2, "Recrutement", "Formation"),
    _dept("Marketing", "Côté marketing", "marketing", 2, "Réseaux sociaux", "Partenariats"),
    _dept("Commercial", "Côté commercial", "sales", 2, "Séminaires", "Événements privés"),
    _dept("Finance", "Côté finance", "finance", 1, "Comptabilité", "Achats"),
    _dept("Service client", "Au service client", "guest relations", 1, "Relation client"),
]

MASTODON_INSTANCES = ["mastodon.social", "piaille.fr", "mastodon.online", "framapiaf.org"]

# Human browsers, with a weight. Desktop browsers dominate LinkedIn reading at work,
# phones dominate the rest.
BROWSERS: list[tuple[str, int]] = [
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
        22,
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
        9,
    ),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", 5),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
        6,
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/18.1 Safari/605.1.15",
        7,
    ),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", 1),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        18,
    ),
    (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Mobile Safari/537.36",
        16,
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
        4,
    ),
    ("Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0", 1),
    (
        "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.6 Mobile/15E148 Safari/604.1",
        2,
    ),
]

# Link-preview fetchers each network sends when a post is published.
PREVIEW_BOTS: dict[str, list[str]] = {
    "linkedin": [
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)"
    ],
    "x": ["Twitterbot/1.0"],
    "facebook": ["facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"],
    "threads": ["facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"],
    "bluesky": ["Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)"],
    "mastodon": [
        "http.rb/5.2.0 (Mastodon/4.3.2; +https://mastodon.social/)",
        "http.rb/5.2.0 (Mastodon/4.3.2; +https://piaille.fr/)",
        "http.rb/5.2.0 (Mastodon/4.2.13; +https://mastodon.online/)",
    ],
    "whatsapp": ["WhatsApp/2.24.23.78 A"],
    "xing": ["XING-contenttabreceiver/2.0"],
}
# Other robots that come by later: chat apps drawing previews when the link is
# passed on, scripts, search engines.
OTHER_BOTS: list[tuple[str, int]] = [
    ("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", 5),
    ("WhatsApp/2.24.23.78 i", 4),
    ("TelegramBot (like TwitterBot)", 2),
    ("Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", 1),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/130.0.0.0 Safari/537.36 Teams/24295.606.3238.6194",
        2,
    ),
    ("curl/8.5.0", 1),
    ("python-requests/2.32.3", 1),
    ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", 2),
    ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", 1),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/131.0.0.0 Safari/537.36",
        1,
    ),
]

# Where readers come from, by network; "" when the app sends no referrer.
REFERRERS: dict[str, list[tuple[str, int]]] = {
    "linkedin": [("www.linkedin.com", 50), ("lnkd.in", 12), ("com.linkedin.android", 8), ("", 30)],
    "x": [("t.co", 70), ("", 30)],
    "facebook": [("l.facebook.com", 45), ("lm.facebook.com", 25), ("m.facebook.com", 5), ("", 25)],
    "threads": [("l.threads.com", 40), ("www.threads.com", 20), ("", 40)],
    "bluesky": [("bsky.app", 60), ("", 40)],
    "whatsapp": [("", 85), ("web.whatsapp.com", 15)],
    "xing": [("www.xing.com", 60), ("", 40)],
    # Mastodon readers come from their own instance; the share's instance stands in.
    "mastodon": [("{instance}", 55), ("", 45)],
}
