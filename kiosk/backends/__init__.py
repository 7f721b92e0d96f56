"""Adapters behind the booking backend port: the SQLite day book and the HTTP client."""
