// @ts-check
/**
 * The website chat: French by default, an English switch, and Web Chat started only when the
 * visitor asks for it (nothing is loaded from Web Chat, nothing is stored in the browser before).
 * Web Chat talks to Direct Line through `MduDirectLine` (directLine.js): the WebSocket stream,
 * polling as the fallback, reconnecting by itself after a restart of the bot; the tab keeps the
 * conversation id and token in session storage, so a reload resumes the conversation.
 */
(() => {
  'use strict';

  /** @typedef {'fr' | 'en'} Lang */
  const LOCALES = { fr: 'fr-FR', en: 'en-US' };
  const retentionDays = document.body.dataset.retentionDays || '7';

  const TEXTS = {
    fr: {
      pageTitle: 'Maison des usagers – Hôpital Sainte-Anne · Discussion',
      skip: 'Aller à la discussion',
      brandSub: 'Hôpital Sainte-Anne · GHU Paris psychiatrie & neurosciences',
      langNav: 'Langue',
      switchLabel: 'English',
      switchLang: 'en',
      switchAria: 'Read this page in English',
      title: 'Une question\u00a0? Écrivez\u2011nous.',
      lead: 'Droits des patients, associations, permanences, rencontrer un bénévole\u00a0: l’assistant de la Maison des usagers vous oriente, à toute heure.',
      chatTitle: 'Discussion avec l’assistant',
      notice: `Cet assistant est un robot d’information de la Maison des usagers, pas un service de soins ni d’urgence. Ce qui est gardé\u00a0: vos messages le temps de vous les remettre\u00a0; ceux échangés avec un ou une bénévole, ${retentionDays}\u00a0jours\u00a0; les questions restées sans réponse, rendues anonymes, pour améliorer les réponses\u00a0; et, dans cet onglet seulement, de quoi reprendre la discussion si vous rechargez la page (effacé à la fermeture de l’onglet). Écrivez «\u00a0effacer mes données\u00a0» pour tout effacer tout de suite. En cas d’urgence, appelez le 15 ou le 112, le 3114 pour la prévention du suicide, ou le 114 par SMS si vous êtes sourd ou malentendant.`,
      emergencyTitle: 'Urgence\u00a0: appelez sans attendre',
      n15: 'SAMU, urgence médicale',
      n112: 'Numéro d’urgence européen',
      n3114: 'Prévention du suicide, 24\u00a0h/24',
      n114: 'Par SMS, personnes sourdes ou malentendantes',
      open: 'Ouvrir la discussion',
      opening: 'Ouverture…',
      openHint: 'Rien n’est enregistré sur votre appareil avant l’ouverture. Inutile d’écrire votre nom ou des détails médicaux pour obtenir une réponse.',
      footer: 'Maison des usagers du GHU Paris psychiatrie & neurosciences, site Sainte-Anne, 1 rue Cabanis, 75014 Paris.',
      error: 'La discussion n’a pas pu s’ouvrir. Réessayez dans un instant. En cas d’urgence, appelez le 15 ou le 112.',
      busy: 'Beaucoup de personnes ouvrent la discussion en ce moment\u00a0: réessayez dans un instant. En cas d’urgence, appelez sans attendre le 15 (SAMU) ou le 112, le 3114 (prévention du suicide), ou écrivez au 114 par SMS.',
      queued: (/** @type {Handoff} */ h) =>
        `Vous êtes en attente d’un bénévole${h.position ? `, position ${h.position}` : ''}${h.waitMinutes ? `, environ ${h.waitMinutes}\u00a0min` : ''}.`,
      live: (/** @type {Handoff} */ h) => `Vous échangez avec ${h.volunteerName ? h.volunteerName + ', ' : 'un '}bénévole de la Maison des usagers.`,
      typing: (/** @type {Handoff} */ h) => `${h.volunteerName || 'Le bénévole'} est en train d’écrire…`,
      ended: 'La conversation avec le bénévole est terminée. L’assistant vous répond de nouveau.',
      timeout: 'Aucun bénévole n’a pu prendre votre demande à temps.',
      unavailable: 'Aucun bénévole n’est disponible pour le moment.',
      cancelled: 'Votre demande de bénévole est annulée.',
      easyRead: 'Lecture facile',
      easyReadHint: 'Des phrases courtes et des mots simples.',
      easyReadOn: 'Lecture facile activée',
      easyReadOff: 'Lecture facile désactivée',
      reconnecting: 'Connexion interrompue, reconnexion en cours… Vos messages partiront dès qu’elle sera rétablie.',
      closeChat: 'Terminer la discussion',
      volunteerSaid: (/** @type {string} */ name) => `${name} a dit :`,
    },
    en: {
      pageTitle: 'Maison des usagers – Sainte-Anne Hospital · Chat',
      skip: 'Skip to the chat',
      brandSub: 'Sainte-Anne Hospital · GHU Paris psychiatry & neurosciences',
      langNav: 'Language',
      switchLabel: 'Français',
      switchLang: 'fr',
      switchAria: 'Lire cette page en français',
      title: 'A question? Write to us.',
      lead: 'Patients’ rights, associations, drop-in hours, meeting a volunteer: the Maison des usagers assistant points you the right way, at any time.',
      chatTitle: 'Chat with the assistant',
      notice: `This assistant is an information robot of the Maison des usagers, not a care or emergency service. What is kept: your messages until they are delivered; those exchanged with a volunteer, for ${retentionDays} days; unanswered questions, made anonymous, to improve the answers; and, in this tab only, what is needed to resume the chat if you reload the page (gone when the tab closes). Write “erase my data” to erase it all now. In an emergency, call 15 or 112, 3114 for suicide prevention, or text 114 if you are deaf or hard of hearing.`,
      emergencyTitle: 'Emergency: call now',
      n15: 'SAMU, medical emergency',
      n112: 'European emergency number',
      n3114: 'Suicide prevention, 24/7',
      n114: 'By text, for deaf or hard-of-hearing people',
      open: 'Open the chat',
      opening: 'Opening…',
      openHint: 'Nothing is stored on your device before you open it. You do not need to give your name or medical details to get an answer.',
      footer: 'Maison des usagers of GHU Paris psychiatry & neurosciences, Sainte-Anne site, 1 rue Cabanis, 75014 Paris.',
      error: 'The chat could not open. Please try again in a moment. In an emergency, call 15 or 112.',
      busy: 'Many people are opening the chat right now: please try again in a moment. In an emergency, call 15 (SAMU) or 112 now, 3114 (suicide prevention), or text 114.',
      queued: (/** @type {Handoff} */ h) =>
        `You are waiting for a volunteer${h.position ? `, position ${h.position}` : ''}${h.waitMinutes ? `, about ${h.waitMinutes} min` : ''}.`,
      live: (/** @type {Handoff} */ h) => `You are talking with ${h.volunteerName ? h.volunteerName + ', a' : 'a'} Maison des usagers volunteer.`,
      typing: (/** @type {Handoff} */ h) => `${h.volunteerName || 'The volunteer'} is typing…`,
      ended: 'The conversation with the volunteer has ended. The assistant answers you again.',
      timeout: 'No volunteer could take your request in time.',
      unavailable: 'No volunteer is available at the moment.',
      cancelled: 'Your request for a volunteer is cancelled.',
      easyRead: 'Easy read',
      easyReadHint: 'Short sentences and simple words.',
      easyReadOn: 'Easy read on',
      easyReadOff: 'Easy read off',
      reconnecting: 'Connection lost, reconnecting… Your messages will go as soon as it is back.',
      closeChat: 'End the chat',
      volunteerSaid: (/** @type {string} */ name) => `${name} said:`,
    },
  };

  /** @typedef {{ status: string, position?: number, waitMinutes?: number, volunteerName?: string }} Handoff */

  /** @type {Lang} */
  let lang = 'fr';
  /** @type {Handoff | undefined} */
  let handoff;
  /** While set, the volunteer is typing (until this timer runs out). */
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let typingTimer;
  /** @type {any} */
  let directLine;
  /** @type {any} */
  let store;
  /** Why the chat did not open, kept so a change of language says it again: 'busy' (refused for now) or 'error'. */
  /** @type {'busy' | 'error' | undefined} */
  let startFailure;

  const byId = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const scriptNonce = /** @type {HTMLScriptElement | null} */ (document.currentScript)?.nonce || '';
  const openButton = /** @type {HTMLButtonElement} */ (byId('open-chat'));
  const langButton = /** @type {HTMLButtonElement} */ (byId('lang-switch'));
  const chatElement = byId('webchat');
  const statusElement = byId('handoff-status');
  const errorElement = byId('chat-error');
  const linkElement = byId('link-status');
  const closeButton = /** @type {HTMLButtonElement} */ (byId('close-chat'));

  function applyTexts() {
    const t = TEXTS[lang];
    document.documentElement.lang = lang;
    document.title = t.pageTitle;
    document.querySelectorAll('[data-i18n]').forEach((element) => {
      const key = /** @type {keyof typeof t} */ (element.getAttribute('data-i18n'));
      const text = t[key];
      if (typeof text === 'string') element.textContent = text;
    });
    document.querySelectorAll('[data-i18n-aria]').forEach((element) => {
      const key = /** @type {keyof typeof t} */ (element.getAttribute('data-i18n-aria'));
      const text = t[key];
      if (typeof text === 'string') element.setAttribute('aria-label', text);
    });
    langButton.textContent = t.switchLabel;
    langButton.lang = t.switchLang;
    langButton.setAttribute('aria-label', t.switchAria);
    if (openButton.disabled && !chatElement.hidden) openButton.textContent = t.opening;
    showHandoff();
    showStartFailure();
    if (typeof showLink === 'function') showLink(link);
  }

  /** Shows where a live handoff stands, from the `channelData.mdu.handoff` of the bot's messages. */
  function showHandoff() {
    const t = TEXTS[lang];
    let text = '';
    switch (handoff?.status) {
      case 'queued':
      case 'waiting':
        text = t.queued(handoff);
        break;
      case 'live':
      case 'accepted':
      case 'connected':
        text = typingTimer ? t.typing(handoff) : t.live(handoff);
        break;
      case 'ended':
      case 'closed':
        text = t.ended;
        break;
      case 'timeout':
        text = t.timeout;
        break;
      case 'unavailable':
        text = t.unavailable;
        break;
      case 'cancelled':
        text = t.cancelled;
        break;
      default:
        text = '';
    }
    if (statusElement.textContent !== text) statusElement.textContent = text;
  }

  /** @param {any} activity */
  function readHandoff(activity) {
    const value = activity?.channelData?.mdu?.handoff;
    if (!value || typeof value.status !== 'string') return;
    handoff = {
      status: value.status,
      position: Number.isInteger(value.position) && value.position > 0 ? value.position : undefined,
      waitMinutes: Number.isFinite(value.waitMinutes) && value.waitMinutes > 0 ? Math.round(value.waitMinutes) : undefined,
      // Shown as text (textContent), never as HTML.
      volunteerName: typeof value.volunteerName === 'string' ? value.volunteerName.slice(0, 60) : undefined,
    };
    // The volunteer's typing shows for a few seconds; any message ends it.
    if (typingTimer) clearTimeout(typingTimer);
    typingTimer =
      activity.type === 'typing' && handoff.status === 'live'
        ? setTimeout(() => {
            typingTimer = undefined;
            showHandoff();
          }, 5000)
        : undefined;
    showHandoff();
  }

  /** Loads Web Chat's bundle (from this server) on demand, with this page's nonce. */
  function loadWebChat() {
    // @ts-ignore: the UMD bundle defines window.WebChat
    if (window.WebChat) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = '/chat/webchat.js';
      script.nonce = scriptNonce;
      script.onload = () => resolve(undefined);
      script.onerror = () => reject(new Error('webchat.js did not load'));
      document.head.appendChild(script);
    });
  }

  const styleOptions = {
    // Safety: no uploads, and HTML in Markdown is shown as text, never interpreted.
    hideUploadButton: true,
    markdownRenderHTML: false,
    accent: '#0b5c73',
    primaryFont: 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif',
    backgroundColor: '#fafcfd',
    subtle: '#55636d',
    bubbleBackground: '#ffffff',
    bubbleBorderColor: '#d6dee4',
    bubbleBorderRadius: 12,
    bubbleBorderWidth: 1,
    bubbleFromUserBackground: '#e6f2f5',
    bubbleFromUserBorderColor: '#b7d5de',
    bubbleFromUserBorderRadius: 12,
    bubbleFromUserBorderWidth: 1,
    bubbleMaxWidth: 560,
    botAvatarImage: '/chat/logo.svg',
    botAvatarInitials: 'MDU',
    botAvatarBackgroundColor: '#0b5c73',
    avatarSize: 36,
    suggestedActionLayout: 'flow',
    suggestedActionBorderRadius: 999,
    suggestedActionBorderColor: '#0b5c73',
    suggestedActionTextColor: '#084657',
    suggestedActionBackgroundColor: '#ffffff',
    suggestedActionHeight: 40,
    sendBoxHeight: 52,
    sendBoxButtonColor: '#0b5c73',
    hideScrollToEndButton: false,
  };

  function render() {
    // @ts-ignore: window.WebChat comes from the UMD bundle
    const WebChat = window.WebChat;
    WebChat.renderWebChat(
      { directLine, store, userID: session?.userID, locale: LOCALES[lang], nonce: scriptNonce, styleOptions, sendTypingIndicator: false },
      chatHost,
    );
  }

  // ---- the tab's session: resume after a reload (issue 18) -----------------------------------

  /**
   * While a conversation is open, this tab keeps its id and token (session storage: this tab only,
   * gone when it closes), so a reload reconnects to the same conversation. Cleared when the
   * visitor ends the chat or erases their data.
   * @typedef {{ conversationId?: string, token: string, domain: string, userID: string, lang: Lang }} ChatSession
   */
  const SESSION_KEY = 'mdu.chat.session';
  /** @type {ChatSession | undefined} */
  let session;
  /** Where Web Chat draws, a fresh element for each conversation (an ended one is simply dropped). */
  let chatHost = document.createElement('div');

  /** @returns {ChatSession | undefined} */
  function readSession() {
    try {
      const value = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
      if (value && typeof value.token === 'string' && typeof value.domain === 'string' && typeof value.userID === 'string') return value;
    } catch {
      // No storage (private mode, blocked): no resume.
    }
    return undefined;
  }

  function saveSession() {
    try {
      if (session) sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
    } catch {
      // No storage: the chat works, a reload starts afresh.
    }
  }

  function clearSession() {
    session = undefined;
    try {
      sessionStorage.removeItem(SESSION_KEY);
    } catch {
      // Nothing was stored.
    }
  }

  /** @param {{ conversationId: string, token: string }} update */
  function updateSession(update) {
    if (!session) return;
    session.conversationId = update.conversationId;
    session.token = update.token;
    saveSession();
  }

  /** What the link to the service is doing, shown under the status (Web Chat itself always sees it online). */
  /** @type {'online' | 'reconnecting' | 'polling'} */
  let link = 'online';
  /** @param {'online' | 'reconnecting' | 'polling'} value */
  function showLink(value) {
    link = value;
    linkElement.textContent = link === 'reconnecting' ? TEXTS[lang].reconnecting : '';
    linkElement.hidden = link !== 'reconnecting';
  }

  /** Opens the chat: resumes the tab's conversation when there is one, else asks for a new one. */
  async function openChat() {
    const t = TEXTS[lang];
    openButton.disabled = true;
    openButton.textContent = t.opening;
    errorElement.hidden = true;
    startFailure = undefined;
    try {
      if (!session) {
        const [response] = await Promise.all([fetch('/api/directline/token', { method: 'POST', cache: 'no-store', credentials: 'same-origin' }), loadWebChat()]);
        if (!response.ok) throw Object.assign(new Error(`token: HTTP ${response.status}`), { status: response.status });
        const { token, domain } = await response.json();
        session = { token, domain, userID: `r_${randomId()}`, lang };
        saveSession();
      } else {
        await loadWebChat();
      }
      connect(session);
      chatElement.hidden = false;
      closeButton.hidden = false;
      byId('chat-start').hidden = true;
      render();
      focusSendBox();
    } catch (error) {
      showStartFailure(error);
    }
  }

  /**
   * The chat did not open: "try again in a moment", with the emergency numbers. A refusal for now
   * (429, too many new chats; 503, restarting) names all four numbers: the visitor may be in danger
   * and cannot reach anyone here yet.
   * @param {unknown} [error] what openChat caught; none to say the last failure again
   */
  function showStartFailure(error) {
    if (error !== undefined) {
      clearSession();
      const status = /** @type {{ status?: unknown }} */ (error)?.status;
      startFailure = status === 429 || status === 503 ? 'busy' : 'error';
      openButton.disabled = false;
      openButton.textContent = TEXTS[lang].open;
    }
    if (!startFailure) return;
    errorElement.textContent = TEXTS[lang][startFailure];
    errorElement.hidden = false;
  }

  /** The Direct Line object and Web Chat's store for a session (new or resumed). @param {ChatSession} current */
  function connect(current) {
    // @ts-ignore: window.WebChat comes from the UMD bundle, window.MduDirectLine from directLine.js
    const { WebChat, MduDirectLine } = window;
    directLine = new MduDirectLine({
      domain: current.domain,
      token: current.token,
      conversationId: current.conversationId,
      locale: LOCALES[lang],
      webSocket: !/[?&]polling=1\b/.test(location.search),
      onSession: updateSession,
      onLink: showLink,
      onGone: restart,
    });
    chatHost = document.createElement('div');
    chatHost.className = 'webchat__host';
    chatElement.replaceChildren(chatHost);
    store = WebChat.createStore({}, () => (/** @type {any} */ next) => (/** @type {any} */ action) => {
      if (action.type === 'DIRECT_LINE/INCOMING_ACTIVITY') onIncoming(action.payload?.activity);
      if (action.type === 'DIRECT_LINE/CONNECT_FULFILLED') setTimeout(sendEasyReadIfChosen);
      return next(action);
    });
  }

  /** Every activity the visitor receives. @param {any} activity */
  function onIncoming(activity) {
    readHandoff(activity);
    readEasyRead(activity);
    noteVolunteer(activity);
    if (activity?.channelData?.mdu?.erased === true) clearSession();
  }

  /** The tab's conversation cannot be resumed (expired, gone): a new one starts. */
  function restart() {
    clearSession();
    handoff = undefined;
    showHandoff();
    volunteerTexts.clear();
    openButton.disabled = false;
    void openChat();
  }

  /** The visitor ends the chat: a live handoff is ended first, then the tab forgets the conversation. */
  function closeChat() {
    if (directLine && (handoff?.status === 'live' || handoff?.status === 'queued')) {
      directLine.postActivity({ type: 'message', text: lang === 'fr' ? 'terminer' : 'end', from: { id: session?.userID || 'visitor', role: 'user' }, locale: LOCALES[lang] }).subscribe({});
    }
    clearSession();
    directLine?.end();
    directLine = undefined;
    handoff = undefined;
    showHandoff();
    showLink('online');
    volunteerTexts.clear();
    chatElement.hidden = true;
    closeButton.hidden = true;
    byId('chat-start').hidden = false;
    openButton.disabled = false;
    openButton.textContent = TEXTS[lang].open;
    chatElement.replaceChildren();
  }

  function randomId() {
    const bytes = new Uint8Array(8);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  // ---- a volunteer looks like a person (issue 18) ---------------------------------------------

  /** The volunteers' messages seen, by text: their bubbles get the volunteer's name and look. */
  /** @type {Map<string, string>} */
  const volunteerTexts = new Map();

  /** @param {any} activity */
  function noteVolunteer(activity) {
    const name = activity?.channelData?.mdu?.handoff?.volunteerName;
    if (activity?.type !== 'message' || typeof name !== 'string' || !name || activity.from?.name !== name || typeof activity.text !== 'string') return;
    volunteerTexts.set(activity.text.trim(), name.slice(0, 60));
    scheduleDecorate();
  }

  let decorateQueued = false;
  function scheduleDecorate() {
    if (decorateQueued) return;
    decorateQueued = true;
    requestAnimationFrame(() => {
      decorateQueued = false;
      decorateVolunteers();
    });
  }

  /**
   * Web Chat draws every message of the bot alike; a volunteer's bubble gets their name above it,
   * their own colours and initials, and the screen-reader text "Alice (UNAFAM) a dit :" instead of
   * "Le bot a dit :" (Web Chat 4.18 has no per-message sender for bots, so the page sets it).
   */
  function decorateVolunteers() {
    if (volunteerTexts.size === 0) return;
    const t = TEXTS[lang];
    chatElement.querySelectorAll('article.webchat__basic-transcript__activity').forEach((article) => {
      const layout = /** @type {HTMLElement | null} */ (article.querySelector('.webchat__stacked-layout:not(.webchat__stacked-layout--from-user)'));
      const text = layout?.querySelector('.webchat__bubble__content')?.textContent?.trim() || '';
      const name = layout && volunteerTexts.get(text);
      if (!layout || !name) return;
      const said = t.volunteerSaid(name);
      if (layout.dataset.mduVolunteer !== name) {
        layout.dataset.mduVolunteer = name;
        // Read by the stylesheet (content: var(...)): a CSS string, as JSON writes one.
        layout.style.setProperty('--mdu-name', JSON.stringify(name));
        layout.style.setProperty('--mdu-initials', JSON.stringify(initialsOf(name)));
      }
      // What screen readers say of the message, in the bubble's group and in the transcript's focus label.
      const groupLabel = layout.querySelector('.webchat__stacked-layout__message-row > :first-child');
      if (groupLabel && !groupLabel.classList.contains('webchat__bubble') && groupLabel.textContent !== said) groupLabel.textContent = said;
      const focusLabel = article.querySelector('[id^="webchat__basic-transcript__active-descendant-label"]');
      if (focusLabel && !focusLabel.textContent?.startsWith(said)) focusLabel.textContent = `${said} ${text}`;
    });
    decorateLiveRegion();
  }

  /** The live region, where new messages are announced as they arrive: patched at once (no frame's wait). */
  function decorateLiveRegion() {
    const t = TEXTS[lang];
    chatElement.querySelectorAll('.webchat__live-region-activity').forEach((element) => {
      const name = liveRegionName(/** @type {HTMLElement} */ (element));
      const greeting = element.firstElementChild;
      if (name && greeting && greeting.textContent !== t.volunteerSaid(name)) greeting.textContent = t.volunteerSaid(name);
    });
  }

  /** The live region's copy of a message: its second line is the text. @param {HTMLElement} element */
  function liveRegionName(element) {
    const text = element.children[1]?.textContent?.trim() || '';
    return volunteerTexts.get(text);
  }

  /** "Alice (UNAFAM)" → "A". @param {string} name */
  function initialsOf(name) {
    return (name.trim()[0] || '?').toUpperCase();
  }

  new MutationObserver(() => {
    if (volunteerTexts.size === 0) return;
    decorateLiveRegion();
    scheduleDecorate();
  }).observe(chatElement, { childList: true, subtree: true });

  /** Once Web Chat has drawn its send box, the keyboard goes there. */
  function focusSendBox(attempt = 0) {
    const input = /** @type {HTMLElement | null} */ (chatElement.querySelector('[data-id="webchat-sendbox-input"], input[type="text"], textarea'));
    if (input) input.focus();
    else if (attempt < 40) setTimeout(() => focusSendBox(attempt + 1), 50);
  }

  // --- Easy read (FALC) -------------------------------------------------------------------------
  // The conversation's state on the bot is the truth: the switch sends the choice as a button
  // press would, and shows what the bot's replies say (`channelData.mdu.easyRead`).

  const easyReadButton = /** @type {HTMLButtonElement} */ (byId('easy-read'));
  /** True while the conversation is in easy read. */
  let easyRead = false;
  /** Chosen before the chat was opened: sent once it is connected. */
  let easyReadPending = false;

  function showEasyRead() {
    easyReadButton.setAttribute('aria-pressed', String(easyRead));
  }

  /** Sends the choice to the bot, as the button under an answer does (the visitor sees it as their message). */
  function sendEasyRead() {
    const t = TEXTS[lang];
    store?.dispatch({
      type: 'WEB_CHAT/SEND_MESSAGE_BACK',
      payload: { value: { mdu: 'easyRead', on: easyRead }, text: undefined, displayText: easyRead ? t.easyReadOn : t.easyReadOff },
    });
  }

  function sendEasyReadIfChosen() {
    if (!easyReadPending) return;
    easyReadPending = false;
    sendEasyRead();
  }

  /** @param {any} activity */
  function readEasyRead(activity) {
    const value = activity?.channelData?.mdu?.easyRead;
    if (typeof value !== 'boolean' || activity?.from?.role === 'user') return;
    easyRead = value;
    showEasyRead();
  }

  easyReadButton.addEventListener('click', () => {
    easyRead = !easyRead;
    showEasyRead();
    if (store) sendEasyRead();
    else easyReadPending = easyRead;
  });

  langButton.addEventListener('click', () => {
    lang = lang === 'fr' ? 'en' : 'fr';
    if (session) {
      session.lang = lang;
      saveSession();
    }
    applyTexts();
    // Web Chat's own texts and the locale of the visitor's next messages (the bot answers in it).
    if (directLine) render();
  });
  openButton.addEventListener('click', () => void openChat());
  closeButton.addEventListener('click', closeChat);

  // A reload (or a duplicated tab) with a conversation open: back to it at once.
  session = readSession();
  if (session) {
    lang = session.lang === 'en' ? 'en' : 'fr';
    applyTexts();
    void openChat();
  }
})();
