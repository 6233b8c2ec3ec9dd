"""Delegates of the demo event, so that a kiosk has badges to scan from the first run."""

from __future__ import annotations

from typing import Any

# (name, organisation, city, kind): delegations of the network's member cities.
DELEGATES = [
    ("Ana Patricia Morales", "Municipio de Querétaro", "Querétaro", "onsite"),
    ("Luis Hernández Ortega", "Municipio de Querétaro", "Querétaro", "onsite"),
    ("Mariana Ríos", "Universidad Autónoma de Querétaro", "Querétaro", "onsite"),
    ("Jean-Baptiste Roux", "Clermont Auvergne Métropole", "Clermont-Ferrand", "onsite"),
    ("Élodie Marchand", "Clermont Auvergne Métropole", "Clermont-Ferrand", "remote"),
    ("Amadou Diallo", "Ville de Dakar", "Dakar", "onsite"),
    ("Fatou Ndiaye", "Ville de Dakar", "Dakar", "remote"),
    ("Valentina Gómez", "Alcaldía de Medellín", "Medellín", "onsite"),
    ("Santiago Restrepo", "Alcaldía de Medellín", "Medellín", "onsite"),
    ("Camila Torres", "Intendencia de Montevideo", "Montevideo", "remote"),
    ("Joaquín Pereira", "Intendencia de Montevideo", "Montevideo", "onsite"),
    ("Sophie Tremblay", "Ville de Montréal", "Montréal", "onsite"),
    ("Marc-André Gagnon", "Ville de Montréal", "Montréal", "remote"),
    ("Grace Mensah", "Accra Metropolitan Assembly", "Accra", "onsite"),
    ("Kwame Boateng", "Accra Metropolitan Assembly", "Accra", "remote"),
    ("Nadia Benali", "Ville de Tunis", "Tunis", "onsite"),
    ("Youssef Trabelsi", "Ville de Tunis", "Tunis", "onsite"),
    ("Isabel Costa", "Câmara Municipal de Lisboa", "Lisboa", "remote"),
    ("Thomas Weber", "Stadt Leipzig", "Leipzig", "onsite"),
    ("Claire Fontaine", "Réseau des villes", "Lyon", "onsite"),
    ("Laia Puig i Ferrer", "Ajuntament de Barcelona", "Barcelona", "remote"),
    ("Rafael Albuquerque", "Prefeitura do Recife", "Recife", "onsite"),
]


def demo_people() -> list[dict[str, Any]]:
    """The demo delegates as ``attendance.import`` takes them (badges are generated)."""
    return [{"name": name, "organisation": organisation, "city": city, "kind": kind}
            for name, organisation, city, kind in DELEGATES]
