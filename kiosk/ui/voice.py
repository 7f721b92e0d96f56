"""Spoken guidance: the "Dengarkan" button, each screen's prompt, and the Speaker behind ``app.speak``.

The Speaker renders on one worker thread (``kiosk.speech.tts``, cached by language and text),
loads the WAV there too, and only plays it on the UI thread: a tap never waits for espeak-ng or
the disk. The newest request wins: a prompt still rendering when the person moves on is never
played, and a new one cuts off the one being spoken (a person who taps twice hears it once).

Who hears what: with ``[speech] auto_speak`` every citizen screen speaks when it opens; without
it, the person who taps "Dengarkan" once hears that screen and every next one, until the kiosk
goes home for the next person.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty

from kiosk.core.config import SpeechConfig
from kiosk.i18n import N_
from kiosk.speech import tts
from kiosk.speech.prompts import LISTEN_LABEL, message_prompt, screen_prompt, unprinted_prompt
from kiosk.ui.widgets import BigButton

log = logging.getLogger(__name__)

DOCUMENTS_TO_BRING = N_("Siapkan dokumen ini: {documents}.")
SPOKEN_STEPS = ("step", "mode")  # a screen's own steps: each one is spoken like a new screen (P2)
SPOKEN_NOTES = ("problem", "note")  # what a screen says about what was typed or chosen: spoken as it appears
SILENT_SCREENS = ("pin", "technician")  # the technician's screens: no button, no speech
CACHE_MAX_BYTES = 200 * 1024 * 1024  # ~400 prompts; a spoken ticket number is new text each time
PRUNE_EVERY = 50  # renders between two looks at the cache's size

Render = Callable[[str, tts.Voice, Path], Path]
Load = Callable[[str], Any]  # a WAV path -> a Kivy Sound (or None)


def _kivy_load(path: str) -> Any:
    from kivy.core.audio import SoundLoader  # opens the audio device: only when first needed

    return SoundLoader.load(path)


class Speaker:
    """Say a sentence without waiting for it: render and load off the UI thread, play on it."""

    def __init__(
        self,
        settings: SpeechConfig,
        render: Render = tts.render,
        load: Load = _kivy_load,
        schedule: Callable[[Callable[[float], None]], Any] = Clock.schedule_once,
    ) -> None:
        self.settings = settings
        self._render = render
        self._load = load
        self._schedule = schedule
        self._lock = threading.Condition()
        self._pending: tuple[int, str, str] | None = None
        self._generation = 0
        self._stopped = False
        self._worker: threading.Thread | None = None
        self._cache_dir: Path | None = None
        self._renders = 0
        self.sound: Any = None  # the Sound playing (or played last); UI thread only
        self.volume = settings.volume  # this person's volume (the keypad's + and -); reset for the next
        self.last_said: tuple[str, str] | None = None  # (language, text) the keypad's "*" says again
        self.spoken: list[tuple[str, str]] = []  # (language, text) of each sound started, newest last

    @property
    def enabled(self) -> bool:
        return self.settings.enabled

    def say(self, text: str, language: str, remember: bool = True) -> None:
        """Speak ``text`` in ``language`` soon; returns at once. A newer call replaces this one.

        ``remember``: what the keypad's repeat key says again (not so for "volume 70 percent").
        """
        text = " ".join(text.split())
        if not self.settings.enabled or not text:
            return
        if remember:
            self.last_said = (language, text)
        with self._lock:
            if self._stopped:
                return
            self._generation += 1
            self._pending = (self._generation, language, text)
            self._lock.notify()
            if self._worker is None:
                self._worker = threading.Thread(target=self._run, name="kiosk-speech", daemon=True)
                self._worker.start()

    def set_volume(self, volume: float) -> None:
        """This person's volume, also for the sound playing now (UI thread)."""
        self.volume = volume
        if self.sound is not None:
            self.sound.volume = volume

    def next_person(self) -> None:
        """Silence, the configured volume, nothing to repeat: the kiosk went home for someone new."""
        self.hush()
        self.volume = self.settings.volume
        self.last_said = None

    def hush(self) -> None:
        """Stop speaking now and drop what was about to be said (UI thread)."""
        with self._lock:
            self._generation += 1
            self._pending = None
        self._stop_sound()

    def stop(self) -> None:
        """End the worker (the app stops); a render in progress finishes and is dropped."""
        with self._lock:
            self._stopped = True
            self._pending = None
            self._generation += 1
            self._lock.notify()
        self._stop_sound()

    # -- worker thread --------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._lock:
                while self._pending is None and not self._stopped:
                    self._lock.wait()
                if self._stopped:
                    return
                assert self._pending is not None
                generation, language, text = self._pending
                self._pending = None
            try:
                sound = self._prepare(text, language)
            except Exception:  # noqa: BLE001 - a speech failure leaves the kiosk silent, never broken
                log.exception("speech failed")
                continue
            if sound is not None:
                self._schedule(functools.partial(self._play_scheduled, sound, generation, (language, text)))

    def _prepare(self, text: str, language: str) -> Any:
        voice = tts.Voice(language, words_per_minute=self.settings.words_per_minute)
        cache = self._cache()
        if self._renders % PRUNE_EVERY == 0:
            tts.prune(cache, CACHE_MAX_BYTES)
        self._renders += 1
        try:
            path = self._render(text, voice, cache)
        except tts.SpeechUnavailable as error:
            log.warning("no speech: %s", error)
            return None
        with contextlib.suppress(OSError):  # a read-only cache still speaks
            os.utime(path)  # pruning drops the least recently spoken first
        sound = self._load(str(path))
        if sound is None or not getattr(sound, "length", 0):
            log.warning("no speech: the audio device could not play %s", path.name)
            return None
        return sound

    def _cache(self) -> Path:
        """The configured cache folder; a private temporary one when it cannot be written."""
        if self._cache_dir is None:
            wanted = self.settings.cache_dir
            try:
                wanted.mkdir(parents=True, exist_ok=True)
                probe = tempfile.NamedTemporaryFile(dir=wanted, prefix=".probe-")
                probe.close()
                self._cache_dir = wanted
            except OSError as error:
                fallback = Path(tempfile.mkdtemp(prefix="antrian-speech-"))
                log.warning("speech cache %s not writable (%s): using %s", wanted, error.strerror, fallback)
                self._cache_dir = fallback
        return self._cache_dir

    # -- UI thread ------------------------------------------------------------------------

    def _play_scheduled(self, sound: Any, generation: int, said: tuple[str, str], _dt: float) -> None:
        self._play(sound, generation, said)

    def _play(self, sound: Any, generation: int, said: tuple[str, str]) -> None:
        with self._lock:
            current = generation == self._generation and not self._stopped
        if not current:
            sound.unload()
            return  # the person moved on while it rendered
        self._stop_sound()
        if self.sound is not None:
            self.sound.unload()  # frees the mixer's copy (~0.5 MB a prompt, all day long)
        sound.volume = self.volume
        sound.play()
        self.sound = sound
        self.spoken.append(said)
        del self.spoken[:-20]

    def _stop_sound(self) -> None:
        if self.sound is not None and self.sound.state == "play":
            self.sound.stop()


# -- prompts of the screens ---------------------------------------------------------------


def prompt_of(screen: Any, tr: Callable[[str], str]) -> str:
    """What ``screen`` says now: its own ``prompt`` when it has one, else the table's entry."""
    own = getattr(screen, "prompt", None)
    if callable(own):
        own = own()
    if isinstance(own, str) and own:
        return own
    name = getattr(screen, "name", "")
    if name in SILENT_SCREENS:
        return ""
    if name == "error":
        return message_prompt(screen.title, screen.hint, tr)
    if name == "done":
        if screen.printed:
            outcome = screen_prompt("done", "printed", tr, number=screen.number)
        else:  # the screen's own words (result.kv): held, maybe printed, or unprinted, and what to do
            from kiosk.ui.result import NO_PRINT_AGAIN_HINT, NOT_PRINTED_TITLE  # the done screen's: built by now

            title = screen.held_title or tr(NOT_PRINTED_TITLE)
            outcome = unprinted_prompt(title, screen.held_hint or tr(NO_PRINT_AGAIN_HINT), screen.number, tr)
        said = (outcome, documents_prompt(screen, tr))
        return " ".join(part for part in said if part)
    if name == "confirm":
        state = "walk_in" if screen.walk_in else "booking"
        return screen_prompt("confirm", state, tr, service=screen.service_text)
    state = str(getattr(screen, "mode", "") or getattr(screen, "step", "") or "")
    return screen_prompt(name, state, tr)


def documents_prompt(screen: Any, tr: Callable[[str], str]) -> str:
    """The documents to bring for the service on the done screen, as printed on the ticket."""
    app = getattr(screen, "app", None)
    language = getattr(app, "language", "id")
    services = getattr(getattr(app, "config", None), "services", ())
    service = next((s for s in services if screen.service_text in (s.name, s.name_in(language))), None)
    if service is None or not service.documents_in(language):
        return ""
    return tr(DOCUMENTS_TO_BRING).format(documents=", ".join(service.documents_in(language)))


class ListenButton(BigButton):
    """ "Dengarkan": always at the bottom-right corner of the root, above every citizen screen."""

    shown = BooleanProperty(True)

    def on_touch_down(self, touch: Any) -> bool:
        # Hidden (technician screens) it must not take the tap: a disabled Kivy widget swallows
        # every touch on it, and the technician's own buttons lie under this corner.
        if not self.shown:
            return False
        return bool(super().on_touch_down(touch))

    def on_release(self) -> None:
        app = App.get_running_app()
        if app is not None and self.shown:
            speak_screen(app, asked=True)


Builder.load_string(f"""
#:import theme kiosk.ui.theme
<ListenButton>:
    text: app.lang._("{LISTEN_LABEL}") if self.shown else ""
    size_hint: None, None
    size: dp(theme.LISTEN_SLOT_W_DP), dp(theme.TOUCH_DP)
    background: theme.rgba(theme.HEADER)
    foreground: theme.rgba(theme.ON_HEADER)
    opacity: 1 if self.shown else 0
    disabled: not self.shown
""")


def speak_screen(app: Any, asked: bool = False) -> None:
    """Say the current screen's prompt; ``asked``: the person tapped "Dengarkan" (speech from now on).

    With the keypad in use (``kiosk.ui.nonvisual``) the screen's numbered choices follow.
    """
    speaker: Speaker | None = getattr(app, "speaker", None)
    if speaker is None or not speaker.enabled:
        return
    if asked:
        app.listening = True
    text = prompt_of(app.screen, app.tr)
    keypad = getattr(app, "keypad", None)
    if keypad is not None and keypad.active:
        text = f"{keypad.take_preface()} {text} {keypad.describe()}".strip()
    if text:
        speaker.say(text, app.language)


def attach(app: Any, root: Any) -> Speaker:
    """Give ``app`` its Speaker and ``root`` its listen button (shown on citizen screens only).

    Speech follows the person inside a screen too: a change of its step or mode is spoken like a
    new screen, and a problem or note it shows is spoken as it appears. Going home for the next
    person (``KioskApp.go_home``) ends the session's speech; going back to the start does not.
    """
    speaker = Speaker(app.config.speech)
    app.speaker = speaker
    app.listening = False
    button = root.ids.get("listen")
    manager = root.manager
    watched: set[int] = set()

    def wanted() -> bool:
        return bool(speaker.settings.auto_speak or app.listening)

    def speak_if_wanted(_dt: float) -> None:
        # decided when it runs, after the screen's own bindings: go_home switches the language
        # first and the screen second, and the next person must not hear the last one's session
        if wanted():
            speak_screen(app)

    def step_changed(screen: Any, *_args: Any) -> None:
        if manager.current_screen is screen and screen.name not in SILENT_SCREENS:
            Clock.schedule_once(speak_if_wanted, 0)

    def note_changed(screen: Any, _screen: Any, text: str) -> None:
        if manager.current_screen is screen and screen.name not in SILENT_SCREENS and text and wanted():
            speaker.say(text, app.language)

    def watch(screen: Any) -> None:
        if screen.uid in watched:
            return
        watched.add(screen.uid)
        for name in SPOKEN_STEPS:
            if name in screen.properties():
                screen.fbind(name, step_changed, screen)
        for name in SPOKEN_NOTES:
            if name in screen.properties():
                screen.fbind(name, note_changed, screen)

    def screen_changed(*_args: Any) -> None:
        name = manager.current
        if button is not None:
            button.shown = speaker.enabled and name not in SILENT_SCREENS
        keypad = getattr(app, "keypad", None)
        if keypad is not None:
            keypad.screen_changed()
        if name in SILENT_SCREENS:
            speaker.hush()
            return
        watch(manager.current_screen)
        Clock.schedule_once(speak_if_wanted, 0)

    def busy_changed(_app: Any, busy: bool) -> None:
        # "Mencari pendaftaran ...": a listener is told the kiosk is working, not left in silence
        if busy and wanted() and manager.current not in SILENT_SCREENS and app.busy_text:
            speaker.say(app.busy_text, app.language)

    manager.bind(current=screen_changed)
    app.bind(busy=busy_changed)
    app.bind(language=lambda *_args: Clock.schedule_once(speak_if_wanted, 0))
    if button is not None:
        button.shown = speaker.enabled and manager.current not in SILENT_SCREENS
    return speaker
