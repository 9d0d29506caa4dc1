"""Reading texts aloud for visitors who cannot read them, with ``espeak-ng``.

:class:`Speaker` is the small interface the screens use; :class:`EspeakSpeaker` runs
``espeak-ng`` in a ``QProcess`` so the UI never waits for it. When ``espeak-ng`` is not
installed, or the PC has no sound output, the speaker says it is unavailable and the screens
show a "no sound" pictogram where the "read aloud" button would be: a visitor who cannot
read sees why nothing speaks. :class:`SoundOutput` looks for the sound output once, then
again only when it may have come or gone: the screens redraw many times a minute.
"""

from __future__ import annotations

import glob
import logging
import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QProcess, Signal

from policies import Language

log = logging.getLogger(__name__)

VOICES: dict[Language, str] = {
    language: language.about.voice for language in Language if language.about.voice is not None
}
"""espeak-ng voice per language that has one (the language registry's; ``espeak-ng
--voices`` lists them)."""

WORDS_PER_MINUTE = 140  # a little slower than espeak's 175: easier for learners


def has_sound_output(environ: Mapping[str, str] | None = None, dev_snd: str = "/dev/snd") -> bool:
    """True when a sound server (PulseAudio or PipeWire) or an ALSA playback device is there.

    espeak-ng without any of them fails silently: the visitor would press "read aloud" and
    hear nothing, without knowing why.
    """
    env = os.environ if environ is None else environ
    if env.get("PULSE_SERVER"):
        return True
    runtime = env.get("XDG_RUNTIME_DIR")
    if runtime and any((Path(runtime) / name).exists() for name in ("pulse/native", "pipewire-0")):
        return True
    # ALSA playback devices are pcmC<card>D<device>p.
    return bool(glob.glob(os.path.join(dev_snd, "pcmC*D*p")))


def _nearest_folder(path: str) -> str:
    """``path`` if it is a folder, else the nearest folder above it."""
    while not os.path.isdir(path) and os.path.dirname(path) != path:
        path = os.path.dirname(path)
    return path


class SoundOutput(QObject):
    """Whether the PC can play sound (:func:`has_sound_output`), looked for once and then
    again only when a folder where a sound output appears changes: the session's runtime
    folder (a sound server starting after the shell) and ``/dev/snd`` (a headset plugged
    in), watched by the kernel (inotify), not polled. ``changed`` tells the new answer."""

    changed = Signal(bool)

    def __init__(
        self,
        environ: Mapping[str, str] | None = None,
        dev_snd: str = "/dev/snd",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._environ = dict(os.environ if environ is None else environ)
        self._dev_snd = dev_snd
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._look_again)
        self._present = self._look()

    @property
    def present(self) -> bool:
        """True when a sound server or an ALSA playback device is there."""
        return self._present

    def _look(self) -> bool:
        # Watched before looking: what appears in between is seen by one or the other.
        places = [self._dev_snd]
        runtime = self._environ.get("XDG_RUNTIME_DIR")
        if runtime:
            places += [runtime, os.path.join(runtime, "pulse")]
        # A folder not there yet (no sound card at boot): its parent tells when it comes.
        wanted = {_nearest_folder(place) for place in places}
        watched = set(self._watcher.directories())
        if watched - wanted:
            self._watcher.removePaths(sorted(watched - wanted))
        if wanted - watched:
            self._watcher.addPaths(sorted(wanted - watched))
        return has_sound_output(self._environ, self._dev_snd)

    def _look_again(self, _folder: str = "") -> None:
        present = self._look()
        if present != self._present:
            self._present = present
            self.changed.emit(present)


def espeak_arguments(language: Language, extra: Sequence[str] = ()) -> list[str]:
    """The command-line arguments of espeak-ng for ``language``; the text comes on stdin."""
    return ["-v", VOICES[language], "-s", str(WORDS_PER_MINUTE), *extra, "--stdin"]


class Speaker(QObject):
    """Reads a text aloud; ``speakingChanged`` tells when it starts and stops,
    ``availableChanged`` when it becomes able or unable to speak (a sound output came or
    went)."""

    speakingChanged = Signal(bool)
    availableChanged = Signal(bool)

    @property
    def available(self) -> bool:
        """False when nothing can speak: the screens show the "no sound" pictogram."""
        return False

    @property
    def speaking(self) -> bool:
        """True while a text is being read."""
        return False

    def speak(self, text: str, language: Language) -> None:
        """Read ``text`` in ``language``, stopping whatever was being read."""

    def stop(self) -> None:
        """Stop reading."""


class EspeakSpeaker(Speaker):
    """A speaker running ``espeak-ng`` as a child process, never blocking the UI.

    ``extra_arguments`` are passed to espeak-ng (tests write a WAV file with ``-w``, which
    needs no sound output). ``sound_output`` says whether the PC can play sound: yes or no,
    or a :class:`SoundOutput` that follows it (default: one on this session's folders).
    """

    def __init__(
        self,
        program: str = "espeak-ng",
        extra_arguments: Sequence[str] = (),
        parent: QObject | None = None,
        sound_output: bool | SoundOutput | None = None,
    ) -> None:
        super().__init__(parent)
        self._program = shutil.which(program)
        self._extra = tuple(extra_arguments)
        self._process: QProcess | None = None
        self._last_arguments: list[str] = []
        self._last_text = ""
        # Writing a WAV file needs no sound output; else followed as it comes and goes (a
        # sound server may start after the shell, or a headset be plugged in).
        if "-w" in self._extra:
            sound_output = True
        elif sound_output is None:
            sound_output = SoundOutput(parent=self) if self._program is not None else False
        self._sound = sound_output
        if isinstance(sound_output, SoundOutput):
            sound_output.changed.connect(self._sound_changed)

    @property
    def installed(self) -> bool:
        """True when espeak-ng is installed."""
        return self._program is not None

    @property
    def available(self) -> bool:
        """True when espeak-ng is installed and the PC can play what it says."""
        if self._program is None:
            return False
        sound = self._sound
        return sound.present if isinstance(sound, SoundOutput) else sound

    @property
    def speaking(self) -> bool:
        """True while espeak-ng runs."""
        return self._process is not None

    @property
    def last_arguments(self) -> list[str]:
        """The arguments of the running (or last) espeak-ng, for checking the voice."""
        return self._last_arguments

    @property
    def last_text(self) -> str:
        """The text of the running (or last) reading."""
        return self._last_text

    def speak(self, text: str, language: Language) -> None:
        """Start reading ``text``; returns at once."""
        if not self.available or self._program is None:
            return
        self.stop()
        process = QProcess(self)
        self._last_arguments = espeak_arguments(language, self._extra)
        self._last_text = text
        process.setProgram(self._program)
        process.setArguments(self._last_arguments)
        process.setProcessChannelMode(QProcess.ProcessChannelMode.ForwardedErrorChannel)
        process.setStandardOutputFile(QProcess.nullDevice())
        # Bound methods, not lambdas holding ``self``: no reference cycle, so a dropped
        # speaker is freed at once on the GUI thread, never later by the cycle collector.
        process.finished.connect(self._on_finished)
        process.errorOccurred.connect(self._on_error)
        self._process = process
        process.start()
        process.write(text.encode())
        process.closeWriteChannel()
        self.speakingChanged.emit(True)

    def stop(self) -> None:
        """Stop espeak-ng if it runs."""
        process, self._process = self._process, None
        if process is None:
            return
        process.kill()
        process.waitForFinished(1000)
        process.deleteLater()
        self.speakingChanged.emit(False)

    def _sound_changed(self, _present: bool) -> None:
        self.availableChanged.emit(self.available)

    def _on_finished(self, *_: object) -> None:
        process = self.sender()
        if isinstance(process, QProcess):
            self._finished(process)

    def _on_error(self, error: QProcess.ProcessError) -> None:
        process = self.sender()
        if isinstance(process, QProcess) and error == QProcess.ProcessError.FailedToStart:
            log.warning("espeak-ng did not start: %s", process.errorString())
            self._finished(process)

    def _finished(self, process: QProcess) -> None:
        if process is self._process:
            self._process = None
            process.deleteLater()
            self.speakingChanged.emit(False)


def default_speaker(parent: QObject | None = None) -> Speaker:
    """espeak-ng when it is installed (available while the PC has a sound output), else a
    speaker that is never available; either way the screens show the "no sound" pictogram
    when nothing can speak."""
    speaker = EspeakSpeaker(parent=parent)
    return speaker if speaker.installed else Speaker(parent)
