"""The demo's texts: programs and what ambassadors write; the items are in ``library``.

Every organization, person, medium and URL here is fictional; URLs use the
reserved ``.example`` top-level domain. ``{year}`` is filled in from the
demo's reference date.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    """One curated item of the library, and the points an ambassador may make about it."""

    kind: str
    language: str
    host: str
    title: str
    summary: str
    hashtags: str
    points: tuple[str, ...]


def parse(text: str) -> list[Entry]:
    """Entries written as blocks separated by blank lines.

    Each block: ``kind language host #tag #tag``, the title, the summary, then one
    ``- point`` per line (what an ambassador might say about it in their own words).
    """
    entries = []
    for block in text.strip().split("\n\n"):
        header, title, summary, *points = block.strip().splitlines()
        kind, language, host, *tags = header.split()
        entries.append(
            Entry(
                kind=kind,
                language=language,
                host=host,
                title=title,
                summary=summary,
                hashtags=" ".join(tag.lstrip("#") for tag in tags),
                points=tuple(point.removeprefix("- ") for point in points),
            )
        )
    return entries


# --- Programs --------------------------------------------------------------------------

VERDANE_CHARTER = (
    "Partagez ce qui vous intéresse vraiment, avec vos mots : personne ne vous demande de tout "
    "relayer. Parlez de votre métier et de ce que vous vivez chez Verdane, jamais d'informations "
    "confidentielles (projets non annoncés, chiffres internes, clients). Restez courtois, "
    "y compris face aux critiques, et signalez à l'équipe communication tout commentaire qui "
    "vous met mal à l'aise. Vous pouvez quitter le programme à tout moment."
)
VERDANE_EDITORIAL_LINE = (
    "Montrer que la transition énergétique se construit concrètement, sur le terrain, à Paris "
    "comme à Casablanca. Un ton simple et positif, des faits plutôt que des slogans, et "
    "toujours votre regard de professionnel : ce que l'article change pour votre métier."
)
VERDANE_CONSENT_V1 = (
    "Je rejoins le programme Ambassadeurs Verdane de façon volontaire. J'accepte que mes "
    "partages et les clics sur mes liens suivis soient enregistrés et présentés à l'équipe "
    "du programme. Je peux quitter le programme à tout moment."
)
VERDANE_CONSENT_V2 = (
    VERDANE_CONSENT_V1
    + " Les statistiques sont présentées de façon agrégée dans la lettre mensuelle ; "
    "aucune adresse IP n'est conservée."
)
CALDERA_CHARTER = (
    "Vous êtes nos meilleurs ambassadeurs parce que vous faites vivre nos maisons chaque jour. "
    "Partagez librement, avec votre personnalité ; évitez seulement de publier des photos de "
    "clients sans leur accord et les informations sur les réservations. En cas de doute, "
    "demandez à Claire."
)
CALDERA_EDITORIAL_LINE = (
    "L'hospitalité à la parisienne : des produits de saison, des équipes passionnées et des "
    "lieux vivants. Racontez les coulisses, vos coups de cœur et ce qui bouge dans nos métiers."
)
CALDERA_CONSENT = (
    "Je participe au pilote Caldera de mon plein gré. J'accepte que mes partages et les clics "
    "sur mes liens soient mesurés pour le suivi du programme. Je peux me retirer quand je veux."
)

# --- What ambassadors write ------------------------------------------------------------
# {dept} is the person's department seen from inside ("côté RH"), {org} the company.

OPENINGS: dict[str, dict[str, list[str]]] = {
    "fr": {
        "any": [
            "Je recommande cette lecture.",
            "Lu ce matin dans le train, et ça m'a fait réfléchir.",
            "{dept}, on le constate tous les jours.",
            "Un sujet qui me tient à cœur.",
            "Très bonne synthèse, à partager.",
            "Chez nous, {dept_lower}, c'est un sujet de discussion quotidien.",
            "Je partage parce que c'est exactement ce que je vis au travail.",
            "Article intéressant, même si je ne suis pas d'accord sur tout.",
            "Pour celles et ceux qui suivent le secteur :",
            "Petite pause lecture :",
            "On m'a posé la question la semaine dernière, voici une bonne réponse.",
            "Retour d'expérience perso sur ce sujet :",
        ],
        "job_offer": [
            "On recrute dans mon équipe !",
            "Vous connaissez quelqu'un ? On cherche du monde.",
            "Belle opportunité chez {org}, n'hésitez pas à me contacter.",
            "Je travaille avec cette équipe depuis deux ans et je la recommande.",
        ],
        "event": [
            "J'y serai, venez échanger !",
            "Rendez-vous à ne pas manquer.",
            "On vous attend nombreux.",
        ],
        "award": ["Quelle fierté pour toute l'équipe !", "Bravo aux équipes, c'est mérité."],
        "company_news": ["Une belle nouvelle chez {org}.", "Fier de voir ce projet aboutir."],
    },
    "en": {
        "any": [
            "Worth a read.",
            "Read this on my way to work and it stuck with me.",
            "In {dept_en}, we see this every day.",
            "A topic close to my heart.",
            "Great summary, sharing with my network.",
            "Interesting piece, even if I don't agree with all of it.",
            "For those following the industry:",
            "Personal take on this one:",
        ],
        "job_offer": ["My team is hiring!", "Know someone? We are looking for people."],
        "event": ["I'll be there, come and say hello!"],
        "award": ["So proud of the whole team!"],
        "company_news": ["Great news at {org}."],
    },
}
REACTIONS: dict[str, list[str]] = {
    "fr": [
        "Ce qui me frappe : {point}.",
        "À retenir : {point}.",
        "Pour moi, l'essentiel : {point}.",
        "En deux mots, {point}.",
        "{Point}.",
        "Mon avis : {point}.",
    ],
    "en": ["What struck me: {point}.", "Key takeaway: {point}.", "{Point}.", "In short, {point}."],
}
CLOSINGS: dict[str, list[str]] = {
    "fr": [
        "Qu'en pensez-vous ?",
        "Curieux d'avoir vos retours.",
        "Bonne lecture !",
        "N'hésitez pas à partager autour de vous.",
        "On en parle ?",
    ],
    "en": ["Thoughts?", "Happy reading!", "Curious to hear your views."],
}
BORROW: dict[str, list[str]] = {
    "fr": ["Je partage :", "Je relaie :", "À lire :"],
    "en": ["Sharing:", "Worth reading:"],
}

# Suggested messages the curator writes: generic, then for LinkedIn, then for X.
SUGGESTIONS: dict[str, dict[str, list[str]]] = {
    "fr": {
        "company": [
            "{title} : une bonne occasion de découvrir {org} de l'intérieur.",
            "Chez {org}, on avance : {title}. Qu'en pensez-vous ?",
        ],
        "job_offer": [
            "{org} recrute ! {title}. Partagez à votre réseau.",
            "Nous recrutons : {title}. Rejoignez une équipe engagée dans {mission}.",
        ],
        "market": [
            "À lire : « {title} ». {summary}",
            "Une analyse qui éclaire nos métiers : {title}.",
            "{title} : un éclairage utile sur {mission}.",
        ],
        "linkedin": [
            "Je vous recommande cette lecture : {title}. {summary} Qu'en pensez-vous ?",
        ],
        "x": ["{title} {hashtags}"],
    },
    "en": {
        "market": [
            "Worth reading: {title}. {summary}",
            "A useful read on {mission_en}: {title}.",
        ],
        "linkedin": ["I recommend this read: {title}. {summary} What do you think?"],
        "x": ["{title} {hashtags}"],
    },
}
