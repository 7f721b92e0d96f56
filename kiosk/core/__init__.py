"""The kiosk's domain and use cases. Imports neither Kivy nor escpos, and does no I/O itself."""
