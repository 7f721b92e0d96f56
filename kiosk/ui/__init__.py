"""The Kivy touchscreen app: a thin shell over ``kiosk.core.usecases.Kiosk``.

Importing this package does not import Kivy; ``kiosk.ui.app`` does (and opens a window).
"""
