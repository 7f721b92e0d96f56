"""Antrian: self-service queue kiosk for Disdukcapil Kabupaten Magetan."""

__version__ = "0.1.0"
