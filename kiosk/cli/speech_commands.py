"""``kiosk speak-prompts``: every spoken prompt and message as one WAV, for the office to listen to.

The files are named after the prompt (``home.wav``, ``message-quota_full.wav``) and listed with
their text in ``prompts.txt``, so a reviewer can read along. Sample values stand in for a
person's data (number A-001, the first service); nothing personal is ever spoken into a file.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from kiosk.cli import EXIT_FAULT, EXIT_OK
from kiosk.cli.common import config_of, handles_errors
from kiosk.i18n import LANGUAGES


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("speak-prompts", help="write every spoken prompt as a WAV file, for review")
    p.add_argument(
        "--config", type=Path, default=None, help="config file (default: $ANTRIAN_CONFIG or /etc/antrian/kiosk.toml)"
    )
    p.add_argument("--lang", choices=LANGUAGES, default="id", help="language of the prompts (jv: Indonesian voice)")
    p.add_argument("--out", type=Path, required=True, help="folder for the WAV files and prompts.txt")
    p.set_defaults(handler=speak_prompts)


@handles_errors
def speak_prompts(args: argparse.Namespace) -> int:
    from kiosk.speech import tts
    from kiosk.speech.prompts import every_prompt

    config = config_of(args)
    voice = tts.Voice(args.lang, words_per_minute=config.speech.words_per_minute)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    lines = []
    with tempfile.TemporaryDirectory(prefix="antrian-prompts-") as scratch:
        for name, text in every_prompt(config, args.lang):
            try:
                rendered = tts.render(text, voice, Path(scratch))
            except tts.SpeechUnavailable as error:
                print(f"Suara tidak tersedia / no speech: {error}", file=sys.stderr)
                return EXIT_FAULT
            shutil.copyfile(rendered, out / f"{name}.wav")
            lines.append(f"{name}.wav\t{text}")
    (out / "prompts.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} prompts ({args.lang}, espeak-ng voice {voice.espeak_voice}) in {out}")
    return EXIT_OK
