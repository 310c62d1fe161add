// @ts-check
// Opt-in sound and browser notifications for new alarms (README "Notifications"): a person on shift may
// have the page in a background tab. Off until the person turns it on (a browser allows sound and
// notifications only after a click); the choice is kept in this browser.

const STORAGE_KEY = 'quantrac.alarmAlerts'
const LOUD_LEVELS = new Set(['alarm', 'critical'])
const LEVEL_RANK = { warning: 1, alarm: 2, critical: 3 }
const WORDS = {
  vi: {
    on: 'Âm thanh & thông báo: bật',
    off: 'Bật âm thanh & thông báo',
    title: { alarm: 'Báo động', critical: 'Nguy hiểm' },
  },
  en: {
    on: 'Sound & notifications: on',
    off: 'Turn on sound & notifications',
    title: { alarm: 'Alarm', critical: 'Critical' },
  },
}

function words() {
  return WORDS[document.documentElement.lang] ?? WORDS.vi
}

/** Three short beeps through Web Audio: no sound file to fetch, and loud enough for a control room. */
function beep(audio) {
  const start = audio.currentTime
  for (let i = 0; i < 3; i++) {
    const oscillator = audio.createOscillator()
    const gain = audio.createGain()
    oscillator.frequency.value = 880
    gain.gain.value = 0.2
    oscillator.connect(gain).connect(audio.destination)
    oscillator.start(start + i * 0.3)
    oscillator.stop(start + i * 0.3 + 0.18)
  }
}

/**
 * Puts its toggle into `container` and returns `heard(alert, previous)`, to call for each alert of the
 * live feed before the page applies it: a new alarm, or one that reached a higher level, sounds and
 * notifies once.
 */
export function createAlarmAlerter(container) {
  let enabled = localStorage.getItem(STORAGE_KEY) === 'on'
  let audio
  const button = document.createElement('button')
  button.type = 'button'
  button.id = 'alarm-alerts'
  button.className = 'sign-out'
  const render = () => {
    button.textContent = enabled ? words().on : words().off
    button.setAttribute('aria-pressed', String(enabled))
  }
  button.addEventListener('click', async () => {
    enabled = !enabled
    localStorage.setItem(STORAGE_KEY, enabled ? 'on' : 'off')
    if (enabled) {
      audio ??= new AudioContext()
      await audio.resume().catch(() => undefined)
      if ('Notification' in window && Notification.permission === 'default')
        await Notification.requestPermission()
    }
    render()
  })
  new MutationObserver(render).observe(document.documentElement, {
    attributes: true,
    attributeFilter: ['lang'],
  })
  render()
  container.prepend(button)

  return function heard(alert, previous) {
    if (!enabled || !LOUD_LEVELS.has(alert.level) || alert.state !== 'open') return
    if (previous !== undefined && LEVEL_RANK[previous.level] >= LEVEL_RANK[alert.level]) return
    audio ??= new AudioContext()
    if (audio.state === 'running') beep(audio)
    if ('Notification' in window && Notification.permission === 'granted') {
      // A browser that refuses (some mobile ones only notify from a service worker) still shows the list.
      try {
        new Notification(`${words().title[alert.level]} · quantrac`, {
          body: alert.texts[document.documentElement.lang === 'en' ? 'en' : 'vi'].message,
          tag: alert.id,
        })
      } catch {}
    }
  }
}
