/* kofu kiosk: the speaker driver (kofu.kiosk.speaker.Speaker, in the page).
 *
 * say(text, voice) speaks with the Web Speech API when the browser has a voice for that
 * language, and always shows the phrase in the SIMULATED speaker panel and records it in
 * window.kofuSpeech (a headless browser has no voices: the panel is how a test "hears").
 * remind(fn) repeats whatever fn() returns every few seconds until it returns null or stop()
 * is pressed. Nothing is stored: the record lives in page memory and is cleared on reload.
 */
"use strict";

window.KofuSpeaker = class KofuSpeaker {
  constructor(onChange) {
    this.onChange = onChange;
    this.spoken = [];
    window.kofuSpeech = this.spoken;
    this.reminder = null;
    this.stopped = false;
    this.remindMs = 6000;
    this.synth = "speechSynthesis" in window ? window.speechSynthesis : null;
  }

  hasVoice(voice) {
    if (!this.synth) return false;
    try {
      const prefix = voice.slice(0, 2);
      return this.synth.getVoices().some((v) => v.lang.replace("_", "-").startsWith(prefix));
    } catch (_) { return false; }
  }

  say(text, voice, reminder = false) {
    if (!text) return;
    this.spoken.push({ text, voice, reminder, at: Date.now() });
    if (this.spoken.length > 200) this.spoken.splice(0, this.spoken.length - 200);
    if (this.synth) {
      try {
        this.synth.cancel();
        const utterance = new SpeechSynthesisUtterance(text);
        utterance.lang = voice;
        const match = this.synth.getVoices().find((v) => v.lang.replace("_", "-") === voice)
          || this.synth.getVoices().find((v) => v.lang.startsWith(voice.slice(0, 2)));
        if (match) utterance.voice = match;
        this.synth.speak(utterance);
      } catch (_) { /* no speech engine: the panel still shows the phrase */ }
    }
    this.onChange();
  }

  /* Start a new step: speak it; reminders of the previous step end, and so does a stop. */
  step(text, voice) {
    this.clearReminder();
    this.stopped = false;
    this.say(text, voice);
  }

  remind(next) {
    this.clearReminder();
    this.reminder = setInterval(() => {
      const phrase = this.stopped ? null : next();
      if (!phrase) { this.clearReminder(); this.onChange(); return; }
      this.say(phrase.text, phrase.voice, true);
    }, this.remindMs);
    this.onChange();
  }

  clearReminder() {
    if (this.reminder !== null) clearInterval(this.reminder);
    this.reminder = null;
  }

  get reminding() { return this.reminder !== null; }

  stop() {
    this.stopped = true;
    this.clearReminder();
    if (this.synth) { try { this.synth.cancel(); } catch (_) { /* nothing to stop */ } }
    this.onChange();
  }
};
