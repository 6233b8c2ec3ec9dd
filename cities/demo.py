"""The demo event's member cities and its declaration on climate neutrality.

The demo's delegates (``attendance/demo.py``) are grouped into a dozen
delegations in eleven countries, each with an authorised signatory.
"""

from __future__ import annotations

from typing import Any

from rencontre.attendance.demo import demo_people

# delegation: (country, languages, signatory, the people of attendance/demo.py in it)
DELEGATIONS: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "Querétaro": ("MX", "es, en", "Ana Patricia Morales", ("Luis Hernández Ortega",)),
    "Clermont-Ferrand": ("FR", "fr", "Jean-Baptiste Roux", ("Élodie Marchand",)),
    "Dakar": ("SN", "fr, wo", "Amadou Diallo", ("Fatou Ndiaye",)),
    "Medellín": ("CO", "es", "Valentina Gómez", ("Santiago Restrepo",)),
    "Montevideo": ("UY", "es", "Camila Torres", ("Joaquín Pereira",)),
    "Montréal": ("CA", "fr, en", "Sophie Tremblay", ("Marc-André Gagnon",)),
    "Accra": ("GH", "en", "Grace Mensah", ("Kwame Boateng",)),
    "Tunis": ("TN", "fr, ar", "Nadia Benali", ("Youssef Trabelsi",)),
    "Lisboa": ("PT", "pt, en", "Isabel Costa", ()),
    "Leipzig": ("DE", "de, en", "Thomas Weber", ()),
    "Barcelona": ("ES", "es, ca, en", "Laia Puig i Ferrer", ()),
    "Recife": ("BR", "pt", "Rafael Albuquerque", ()),
}
# The signatory whose personal link the console prints: she follows from Montevideo.
REMOTE_SIGNATORY = "Camila Torres"


def demo_roster() -> list[dict[str, Any]]:
    """The demo's people with their delegations, as ``delegation.import`` takes them."""
    member = {}
    for delegation, (country, languages, signatory, others) in DELEGATIONS.items():
        details = {"delegation": delegation, "country": country, "languages": languages}
        member[signatory] = {**details, "signatory": True}
        member.update({name: {**details, "signatory": False} for name in others})
    rows = []
    for person in demo_people():
        rows.append({**person, **member.get(person["name"], {})})
    return rows


DECLARATION = {
    "title": {
        "fr": "Déclaration de Querétaro pour des villes neutres en carbone",
        "es": "Declaración de Querétaro por ciudades neutras en carbono",
        "en": "Querétaro Declaration for carbon-neutral cities",
    },
    "text": {
        "fr": (
            "Nous, villes et organisations membres du réseau, réunies à Querétaro,\n\n"
            "1. Nous engageons nos territoires à atteindre la neutralité carbone au plus tard "
            "en 2050, avec une réduction d’au moins 55 % des émissions d’ici 2030.\n"
            "2. Publierons chaque année un bilan de nos émissions, vérifiable et ouvert.\n"
            "3. Donnerons la priorité aux transports publics, à la marche et au vélo, et à la "
            "rénovation énergétique des logements, en commençant par les quartiers les plus "
            "modestes.\n"
            "4. Partagerons nos données, nos méthodes et nos échecs avec les autres villes du "
            "réseau, dans nos trois langues de travail.\n\n"
            "Une transition juste ne laisse personne de côté."
        ),
        "es": (
            "Nosotras, las ciudades y organizaciones miembro de la red, reunidas en "
            "Querétaro,\n\n"
            "1. Comprometemos nuestros territorios a alcanzar la neutralidad de carbono a más "
            "tardar en 2050, con una reducción de al menos el 55 % de las emisiones para "
            "2030.\n"
            "2. Publicaremos cada año un balance de nuestras emisiones, verificable y abierto.\n"
            "3. Daremos prioridad al transporte público, a caminar y a la bicicleta, y a la "
            "rehabilitación energética de las viviendas, empezando por los barrios más "
            "humildes.\n"
            "4. Compartiremos nuestros datos, métodos y fracasos con las demás ciudades de la "
            "red, en nuestros tres idiomas de trabajo.\n\n"
            "Una transición justa no deja a nadie atrás."
        ),
        "en": (
            "We, the member cities and organisations of the network, meeting in Querétaro,\n\n"
            "1. Commit our territories to carbon neutrality by 2050 at the latest, with "
            "emissions cut by at least 55% by 2030.\n"
            "2. Will publish a verifiable, open account of our emissions every year.\n"
            "3. Will put public transport, walking and cycling first, and retrofit homes for "
            "energy, starting with the poorest neighbourhoods.\n"
            "4. Will share our data, methods and failures with the other cities of the "
            "network, in our three working languages.\n\n"
            "A just transition leaves no one behind."
        ),
    },
}
