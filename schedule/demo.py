"""The demo event: a three-day meeting of a network of cities in Querétaro."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from rencontre.schedule.model import format_time

ZONE = "America/Mexico_City"
SLUG = "rencontre-queretaro"

ROOMS = [
    {"id": "plenaria", "kind": "hybrid", "capacity": 600, "position": 0,
     "stream": {"channels": [
         {"id": "floor", "language": "floor",
          "url": "https://stream.example.org/plenaria/floor.m3u8"},
         *({"id": lang, "language": lang, "media": "audio",
            "url": f"https://stream.example.org/plenaria/{lang}.m3u8"}
           for lang in ("fr", "es", "en"))]},
     "name": {"fr": "Salle plénière Teatro", "es": "Sala plenaria Teatro",
              "en": "Plenary hall Teatro"}},
    {"id": "taller-a", "kind": "physical", "capacity": 60, "position": 1,
     "name": {"fr": "Atelier A (Casona)", "es": "Taller A (Casona)", "en": "Workshop A (Casona)"}},
    {"id": "taller-b", "kind": "physical", "capacity": 40, "position": 2,
     "name": {"fr": "Atelier B (Patio)", "es": "Taller B (Patio)", "en": "Workshop B (Patio)"}},
    {"id": "en-linea", "kind": "online", "capacity": None, "position": 3,
     "stream": {"channels": [{"id": "floor", "language": "floor",
                              "url": "https://meet.jit.si/rencontre-queretaro-en-linea"}]},
     "name": {"fr": "Salle en ligne", "es": "Sala en línea", "en": "Online room"}},
]

TRACKS = [
    {"id": "mobilite", "color": "#0b6e4f",
     "name": {"fr": "Mobilité", "es": "Movilidad", "en": "Mobility"}},
    {"id": "climat", "color": "#1d4e89",
     "name": {"fr": "Climat et eau", "es": "Clima y agua", "en": "Climate and water"}},
    {"id": "culture", "color": "#9c2c77",
     "name": {"fr": "Culture et patrimoine", "es": "Cultura y patrimonio",
              "en": "Culture and heritage"}},
    {"id": "gouvernance", "color": "#8a5a00",
     "name": {"fr": "Gouvernance ouverte", "es": "Gobierno abierto", "en": "Open government"}},
]

SPEAKERS = [
    ("ana-ruiz", "Ana Ruiz", "Querétaro"), ("claire-dubois", "Claire Dubois", "Clermont-Ferrand"),
    ("joao-silva", "João Silva", "Curitiba"), ("amina-diallo", "Amina Diallo", "Dakar"),
    ("luis-ortega", "Luis Ortega", "Medellín"), ("marie-tremblay", "Marie Tremblay", "Montréal"),
    ("kofi-mensah", "Kofi Mensah", "Accra"), ("sofia-herrera", "Sofía Herrera", "Valparaíso"),
    ("pierre-martin", "Pierre Martin", "Lyon"), ("elena-vargas", "Elena Vargas", "Guadalajara"),
]

# (day, start "HH:MM", minutes, room, track, language, speakers, fr, es, en)
SESSIONS: list[tuple[int, str, int, str, str | None, str, list[str], str, str, str]] = [
    (0, "09:00", 60, "plenaria", None, "es", ["ana-ruiz"],
     "Ouverture : des villes qui se rencontrent", "Apertura: ciudades que se encuentran",
     "Opening: cities meeting cities"),
    (0, "10:30", 90, "plenaria", "mobilite", "fr", ["claire-dubois", "joao-silva"],
     "Le tramway comme colonne vertébrale", "El tranvía como columna vertebral",
     "The tram as a backbone"),
    (0, "10:30", 90, "taller-a", "climat", "es", ["elena-vargas"],
     "Atelier : cartographier les îlots de chaleur", "Taller: mapear las islas de calor",
     "Workshop: mapping heat islands"),
    (0, "10:30", 60, "en-linea", "gouvernance", "en", ["marie-tremblay"],
     "Budgets participatifs en ligne", "Presupuestos participativos en línea",
     "Participatory budgets online"),
    (0, "12:30", 60, "taller-b", "culture", "fr", ["pierre-martin"],
     "Patrimoine vivant et tourisme", "Patrimonio vivo y turismo",
     "Living heritage and tourism"),
    (0, "15:00", 90, "plenaria", "climat", "en", ["kofi-mensah", "amina-diallo"],
     "L'eau en ville : pénuries et solutions", "El agua en la ciudad: escasez y soluciones",
     "Water in the city: shortages and solutions"),
    (0, "15:00", 90, "taller-a", "mobilite", "es", ["luis-ortega"],
     "Atelier : le vélo dans les villes de montagne", "Taller: la bici en ciudades de montaña",
     "Workshop: cycling in hill cities"),
    (0, "17:00", 60, "en-linea", "culture", "fr", ["claire-dubois"],
     "Visite virtuelle de Clermont-Ferrand", "Visita virtual de Clermont-Ferrand",
     "Virtual tour of Clermont-Ferrand"),
    (1, "09:00", 60, "plenaria", "gouvernance", "es", ["sofia-herrera"],
     "Données ouvertes municipales", "Datos abiertos municipales", "Open municipal data"),
    (1, "10:30", 90, "plenaria", "climat", "fr", ["claire-dubois", "ana-ruiz"],
     "Jumelage climatique Querétaro–Clermont", "Hermanamiento climático Querétaro–Clermont",
     "Climate twinning Querétaro–Clermont"),
    (1, "10:30", 90, "taller-a", "gouvernance", "en", ["marie-tremblay", "kofi-mensah"],
     "Atelier : assemblées citoyennes", "Taller: asambleas ciudadanas",
     "Workshop: citizens' assemblies"),
    (1, "10:30", 60, "taller-b", "culture", "es", ["elena-vargas"],
     "Musique de rue et espace public", "Música callejera y espacio público",
     "Street music and public space"),
    (1, "12:30", 60, "en-linea", "mobilite", "en", ["joao-silva"],
     "Bus à haut niveau de service : 50 ans de Curitiba", "BRT: 50 años de Curitiba",
     "Bus rapid transit: 50 years of Curitiba"),
    (1, "15:00", 90, "plenaria", "mobilite", "es", ["luis-ortega", "sofia-herrera"],
     "Téléphériques urbains", "Teleféricos urbanos", "Urban cable cars"),
    (1, "15:00", 60, "taller-b", "climat", "fr", ["amina-diallo"],
     "Atelier : toits verts à petit budget", "Taller: techos verdes de bajo costo",
     "Workshop: green roofs on a small budget"),
    (1, "17:00", 60, "en-linea", "gouvernance", "fr", ["pierre-martin"],
     "Coopération décentralisée franco-mexicaine", "Cooperación descentralizada franco-mexicana",
     "French–Mexican decentralised cooperation"),
    (2, "09:00", 60, "plenaria", "culture", "en", ["amina-diallo"],
     "Villes créatives de l'UNESCO", "Ciudades creativas de la UNESCO",
     "UNESCO creative cities"),
    (2, "10:30", 90, "taller-a", "culture", "es", ["ana-ruiz", "elena-vargas"],
     "Atelier : récits de quartier", "Taller: relatos de barrio",
     "Workshop: neighbourhood stories"),
    (2, "10:30", 60, "en-linea", "climat", "en", ["kofi-mensah"],
     "Alerte précoce aux inondations", "Alerta temprana de inundaciones",
     "Early flood warning"),
    (2, "12:30", 60, "plenaria", "gouvernance", "fr", ["marie-tremblay", "claire-dubois"],
     "Les maires répondent", "Las alcaldesas responden", "Mayors answer"),
    (2, "12:30", 60, "taller-b", "mobilite", "es", ["joao-silva"],
     "Rues scolaires", "Calles escolares", "School streets"),
    (2, "15:00", 60, "plenaria", None, "es", ["ana-ruiz", "pierre-martin"],
     "Clôture et déclaration de Querétaro", "Clausura y declaración de Querétaro",
     "Closing and the Querétaro declaration"),
]


def demo_programme(start: date) -> dict[str, Any]:
    """The demo programme as ``schedule.load`` takes it, starting on ``start``."""
    zone = ZoneInfo(ZONE)
    sessions = []
    for index, row in enumerate(SESSIONS):
        day, clock, minutes, room, track, lang, speakers, fr, es, en = row
        begin = datetime.combine(start + timedelta(days=day), time.fromisoformat(clock), zone)
        sessions.append({
            "id": f"s{index + 1:02d}", "guid": f"demo-{index + 1:02d}",
            "title": {"fr": fr, "es": es, "en": en},
            "abstract": {"en": f"{en}. A session of the network's annual meeting.",
                         "es": f"{es}. Una sesión del encuentro anual de la red.",
                         "fr": f"{fr}. Une séance de la rencontre annuelle du réseau."},
            "room": room, "track": track, "language": lang, "speakers": speakers,
            "start": format_time(begin), "end": format_time(begin + timedelta(minutes=minutes)),
        })
    return {
        "event": {
            "slug": SLUG, "timezone": ZONE, "start_date": start.isoformat(),
            "days": 3, "venue": "Centro de Congresos", "city": "Querétaro",
            "name": {"fr": "Rencontre des villes du réseau — Querétaro",
                     "es": "Encuentro de ciudades de la red — Querétaro",
                     "en": "Meeting of the cities network — Querétaro"},
        },
        "rooms": ROOMS,
        "tracks": TRACKS,
        "speakers": [{"id": sid, "name": name, "organisation": city,
                      "bio": {"en": f"Works for the city of {city}."}}
                     for sid, name, city in SPEAKERS],
        "sessions": sessions,
    }
