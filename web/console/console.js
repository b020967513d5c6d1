// The volunteers' console (no framework, no inline script). Talks to /console/api (see handoff/README.md).
'use strict';

(function () {
  const api = '/console/api';
  // bearer: inside a Teams tab the page is framed, and browsers do not send a SameSite=Strict cookie
  // there; the session token is then kept in memory only and sent as Authorization: Bearer.
  const state = { csrf: '', bearer: '', me: null, view: null, events: null, receivedAt: 0, unread: 0, audio: null, typingAt: {}, drafts: {} };
  const $ = (id) => document.getElementById(id);
  const baseTitle = document.title;

  // ---- HTTP -------------------------------------------------------------------------------
  async function call(method, path, body) {
    const headers = { 'x-csrf-token': state.csrf };
    if (state.bearer) headers.authorization = 'Bearer ' + state.bearer;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(api + path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
    let data = null;
    if (res.status !== 204) data = await res.json().catch(() => null);
    if (res.status === 401 && path !== '/session') signedOut();
    return { status: res.status, ok: res.ok, data };
  }

  // ---- sign in / out ----------------------------------------------------------------------
  async function resume() {
    const res = await call('GET', '/session');
    if (res.ok) signedIn(res.data);
    else showSignIn();
  }

  function showSignIn() {
    $('sign-in').hidden = false;
    $('desk').hidden = true;
    $('who').hidden = true;
  }

  function signedIn(session) {
    state.csrf = session.csrfToken;
    state.me = session;
    $('sign-in').hidden = true;
    $('desk').hidden = false;
    $('who').hidden = false;
    $('me-name').textContent = session.displayName;
    renderAvailability(session.available);
    connect();
  }

  function signedOut() {
    if (state.events) state.events.close();
    state.events = null;
    state.csrf = '';
    state.bearer = '';
    state.me = null;
    showSignIn();
  }

  $('sign-in-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    unlockAudio();
    $('sign-in-error').textContent = '';
    const host = window.mduTeams ? await window.mduTeams.ready : { inTeams: false };
    const request = { login: $('login').value, password: $('password').value };
    if (host.inTeams) request.client = 'bearer';
    const res = await call('POST', '/session', request);
    $('password').value = '';
    if (res.ok && res.data.token) state.bearer = res.data.token;
    if (res.ok) return signedIn(res.data);
    $('sign-in-error').textContent =
      res.status === 423 ? 'Trop d’essais depuis cet appareil : connexion bloquée quelques minutes.' : res.status === 429 ? 'Trop d’essais : réessayez dans quelques minutes.' : 'Identifiant ou mot de passe incorrect.';
  });

  $('sign-out').addEventListener('click', async () => {
    await call('DELETE', '/session');
    signedOut();
  });

  $('availability').addEventListener('click', async () => {
    unlockAudio();
    const res = await call('POST', '/availability', { available: !state.me.available });
    if (res.ok) {
      state.me = Object.assign(state.me, res.data);
      renderAvailability(res.data.available);
    }
  });

  function renderAvailability(available) {
    const b = $('availability');
    b.setAttribute('aria-pressed', String(available));
    b.textContent = available ? 'Disponible' : 'Absent·e';
    b.classList.toggle('on', available);
  }

  // ---- live feed ----------------------------------------------------------------------------
  function connect() {
    if (state.events) state.events.close();
    const events = state.bearer ? bearerEventSource(api + '/events', state.bearer) : new EventSource(api + '/events');
    state.events = events;
    events.addEventListener('state', (e) => {
      state.view = JSON.parse(e.data);
      state.receivedAt = Date.now();
      render();
    });
    events.addEventListener('alert', (e) => alertFor(JSON.parse(e.data)));
    events.addEventListener('signed_out', () => signedOut());
  }

  /**
   * EventSource cannot send an Authorization header: in bearer mode the same server-sent events
   * are read with fetch, and dispatched as EventSource would.
   */
  function bearerEventSource(url, token) {
    const target = new EventTarget();
    const controller = new AbortController();
    target.close = () => controller.abort();
    (async () => {
      for (;;) {
        try {
          const res = await fetch(url, { headers: { authorization: 'Bearer ' + token, accept: 'text/event-stream' }, signal: controller.signal });
          if (res.status === 401) return target.dispatchEvent(new MessageEvent('signed_out', { data: '{}' }));
          const reader = res.body.getReader();
          const decoder = new TextDecoder();
          let buffer = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer += decoder.decode(value, { stream: true });
            let end;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              let type = 'message';
              const data = [];
              for (const line of block.split('\n')) {
                if (line.startsWith('event:')) type = line.slice(6).trim();
                else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
              }
              if (data.length > 0) target.dispatchEvent(new MessageEvent(type, { data: data.join('\n') }));
            }
          }
        } catch (error) {
          if (controller.signal.aborted) return;
        }
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
    })();
    return target;
  }

  function alertFor(alert) {
    const texts = {
      request: 'Nouvelle demande dans la file.',
      crisis: 'Crise signalée : priorité absolue.',
      message: 'Nouveau message d’un visiteur.',
      medical: 'Question médicale d’un visiteur : pas d’avis médical.',
      closed: alert.reason === 'ended_by_visitor' ? 'Le visiteur a terminé la conversation.' : alert.reason === 'inactivity' ? 'Conversation close après inactivité.' : 'Conversation terminée.',
    };
    if (alert.kind !== 'closed') beep(alert.kind === 'crisis' ? 3 : 1);
    notice(texts[alert.kind] || '');
    if (document.hidden) {
      state.unread++;
      updateTitle();
    }
  }

  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) {
      state.unread = 0;
      updateTitle();
    }
  });

  function updateTitle() {
    const waiting = state.view ? state.view.queue.length : 0;
    const badge = waiting + state.unread;
    document.title = badge > 0 ? `(${badge}) ${baseTitle}` : baseTitle;
  }

  // A short sound (WebAudio: no file to load). Browsers allow it after a click on the page.
  function unlockAudio() {
    try {
      if (!state.audio) state.audio = new AudioContext();
      if (state.audio.state === 'suspended') void state.audio.resume();
    } catch (_e) {
      state.audio = null;
    }
  }
  function beep(times) {
    const ctx = state.audio;
    if (!ctx) return;
    for (let i = 0; i < times; i++) {
      const start = ctx.currentTime + i * 0.25;
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.2, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.18);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start);
      osc.stop(start + 0.2);
    }
  }

  function notice(text) {
    $('notice').textContent = text;
  }

  // ---- rendering ----------------------------------------------------------------------------
  function render() {
    const view = state.view;
    if (!view) return;
    if (state.me) {
      state.me.available = view.me.available;
      renderAvailability(view.me.available);
      $('me-name').textContent = view.me.displayName;
    }
    $('duty').textContent = view.permanenceOpen
      ? `Permanence ouverte · ${view.availableVolunteers} bénévole(s) disponible(s) · vous : ${view.me.holding}/${view.me.max} conversation(s)`
      : 'Aucune permanence ouverte en ce moment : les visiteurs ne peuvent pas demander de bénévole.';
    renderQueue(view);
    renderMine(view);
    updateTitle();
  }

  function lineItem(m) {
    const li = document.createElement('li');
    li.className = 'line ' + m.from;
    const when = new Date(m.at).toLocaleTimeString('fr-FR', { hour: '2-digit', minute: '2-digit' });
    if (m.from === 'event') {
      const labels = { requested: 'Demande envoyée', accepted: `Prise par ${m.volunteerName || ''}`, ended_by_visitor: 'Terminée par le visiteur', ended_by_volunteer: 'Terminée par le ou la bénévole', inactivity: 'Terminée après inactivité', cancelled: 'Annulée', timeout: 'Délai dépassé', unavailable: 'Plus de bénévole disponible' };
      li.textContent = `${when} · ${labels[m.text] || m.text}`;
      return li;
    }
    const who = document.createElement('span');
    who.className = 'who-line';
    who.textContent = `${when} ${m.from === 'visitor' ? 'Visiteur' : m.volunteerName || 'Vous'} : `;
    const text = document.createElement('span');
    text.textContent = m.text;
    li.append(who, text);
    for (const flag of m.flags || []) {
      const f = document.createElement('span');
      f.className = 'flag small ' + flag;
      f.textContent = flag === 'crisis' ? 'crise' : 'médical';
      li.append(f);
    }
    return li;
  }

  function waitLabel(seconds) {
    const s = seconds + Math.round((Date.now() - state.receivedAt) / 1000);
    const m = Math.floor(s / 60);
    return m > 0 ? `attend depuis ${m} min ${String(s % 60).padStart(2, '0')} s` : `attend depuis ${s} s`;
  }

  function renderQueue(view) {
    const list = $('queue');
    list.replaceChildren();
    for (const c of view.queue) {
      const node = $('queue-item').content.firstElementChild.cloneNode(true);
      node.classList.toggle('is-crisis', c.crisis);
      node.querySelector('.flag.crisis').hidden = !c.crisis;
      node.querySelector('.flag.medical').hidden = !c.medical;
      node.querySelector('.lang').textContent = c.locale.startsWith('fr') ? 'Français' : 'English';
      const wait = node.querySelector('.wait');
      wait.dataset.seconds = String(c.waitingSeconds);
      wait.textContent = `n° ${c.position} · ${waitLabel(c.waitingSeconds)}`;
      const lines = node.querySelector('.lines');
      for (const m of c.messages.filter((x) => x.from === 'visitor')) lines.append(lineItem(m));
      const accept = node.querySelector('.accept');
      accept.disabled = view.me.holding >= view.me.max;
      accept.addEventListener('click', () => acceptConversation(c.id, accept));
      list.append(node);
    }
    $('queue-empty').hidden = view.queue.length > 0;
    $('queue-count').textContent = String(view.queue.length);
  }

  async function acceptConversation(id, button) {
    button.disabled = true;
    const res = await call('POST', `/conversations/${encodeURIComponent(id)}/accept`);
    if (res.ok) return notice('Conversation prise : présentez-vous au visiteur.');
    const messages = { already_taken: 'Déjà prise par un ou une autre bénévole.', cap_reached: 'Vous tenez déjà le nombre maximum de conversations.', no_longer_waiting: 'Le visiteur n’attend plus.' };
    notice((res.data && res.data.error && messages[res.data.error.code]) || 'Impossible de prendre cette conversation.');
    button.disabled = false;
  }

  function renderMine(view) {
    const box = $('mine');
    const keep = new Set(view.mine.map((c) => c.id));
    for (const el of Array.from(box.children)) if (!keep.has(el.dataset.id)) el.remove();
    view.mine.forEach((c, index) => {
      let node = box.querySelector(`[data-id="${CSS.escape(c.id)}"]`);
      if (!node) {
        node = $('conversation').content.firstElementChild.cloneNode(true);
        node.dataset.id = c.id;
        wireConversation(node, c.id);
        box.append(node);
      }
      node.querySelector('.title').textContent = `Visiteur ${index + 1} · ${c.locale.startsWith('fr') ? 'français' : 'anglais'}`;
      node.querySelector('.flag.crisis').hidden = !c.crisis;
      node.querySelector('.flag.medical').hidden = !c.medical;
      node.classList.toggle('is-crisis', c.crisis);
      const transcript = node.querySelector('.transcript');
      transcript.replaceChildren(...c.messages.map(lineItem));
      transcript.scrollTop = transcript.scrollHeight;
    });
    $('mine-empty').hidden = view.mine.length > 0;
    $('mine-count').textContent = String(view.mine.length);
  }

  function wireConversation(node, id) {
    const form = node.querySelector('form');
    const textarea = form.querySelector('textarea');
    textarea.addEventListener('input', () => {
      const now = Date.now();
      if (now - (state.typingAt[id] || 0) < 3000) return;
      state.typingAt[id] = now;
      void call('POST', `/conversations/${encodeURIComponent(id)}/typing`);
    });
    textarea.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        form.requestSubmit();
      }
    });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const text = textarea.value.trim();
      if (!text) return;
      const res = await call('POST', `/conversations/${encodeURIComponent(id)}/messages`, { text });
      if (res.ok) {
        textarea.value = '';
        if (!res.data.delivered) notice('Message enregistré mais pas remis au visiteur (connexion perdue ?).');
      } else notice('Message non envoyé : la conversation est peut-être terminée.');
    });
    node.querySelector('.end').addEventListener('click', async () => {
      if (!window.confirm('Terminer la conversation ? Le visiteur retrouvera le robot.')) return;
      const res = await call('POST', `/conversations/${encodeURIComponent(id)}/end`);
      if (res.ok) notice('Conversation terminée.');
    });
  }

  // Waiting times tick without waiting for the server.
  setInterval(() => {
    for (const el of document.querySelectorAll('.queue .wait')) {
      el.textContent = el.textContent.replace(/attend depuis .*/, waitLabel(Number(el.dataset.seconds)));
    }
  }, 1000);

  void resume();
})();
