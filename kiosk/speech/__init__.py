"""Offline speech: text rendered to WAV by Debian's espeak-ng, cached by voice and text."""
