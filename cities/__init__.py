"""Member cities: delegations, the declaration they sign, and its record."""
