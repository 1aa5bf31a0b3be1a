// The hall's chime and spoken calls (Web Speech API, ja-JP). Calls are queued: each
// one is played to its end (chime, then the sentence) before the next starts, so a
// burst of calls never cuts one off. Off until someone switches it on (browsers only
// play sound after a user gesture).
export class Announcer {
  constructor() {
    this.enabled = false;
    this.queue = [];
    this.playing = false;
    this.said = []; // every call asked for, in order (read by the browser tests)
    this.spoken = []; // those played to their end
  }

  enable(on) {
    this.enabled = on;
    if (on && !this.audio && window.AudioContext) this.audio = new AudioContext();
    if (!on) this.queue = [];
  }

  /** Queue `text` (never interrupts what is playing). */
  say(text) {
    if (!this.enabled) return;
    this.said.push(text);
    this.queue.push(text);
    if (!this.playing) this.playNext();
  }

  async playNext() {
    const text = this.queue.shift();
    if (text === undefined) {
      this.playing = false;
      return;
    }
    this.playing = true;
    await this.chime();
    await this.speak(text);
    this.spoken.push(text);
    this.playNext();
  }

  /** Two soft tones (ピンポーン), drawn with Web Audio: no sound file to fetch. */
  chime() {
    const ctx = this.audio;
    if (!ctx) return Promise.resolve();
    const start = ctx.currentTime + 0.05;
    [[880, 0], [660, 0.45]].forEach(([freq, at]) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, start + at);
      gain.gain.exponentialRampToValueAtTime(0.3, start + at + 0.03);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + at + 0.8);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start + at);
      osc.stop(start + at + 0.85);
    });
    return new Promise((resolve) => setTimeout(resolve, 1300));
  }

  /** Speak in Japanese; resolves when done (or after a generous timeout without a voice). */
  speak(text) {
    const synth = window.speechSynthesis;
    if (!synth) return Promise.resolve();
    return new Promise((resolve) => {
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = "ja-JP";
      utterance.rate = 0.9;
      const voice = synth.getVoices().find((v) => v.lang === "ja-JP");
      if (voice) utterance.voice = voice;
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, 2000 + text.length * 250);
      utterance.onend = done;
      utterance.onerror = done;
      synth.speak(utterance); // never synth.cancel(): the previous call finishes first
    });
  }
}
