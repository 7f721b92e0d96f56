"""The reference booking API server (``kiosk serve``): a day book shared by several kiosks over HTTP."""
