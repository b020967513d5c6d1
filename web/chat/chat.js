// @ts-check
/**
 * The website chat: French by default, an English switch, and Web Chat started only when the
 * visitor asks for it (nothing is loaded from Web Chat, nothing is stored in the browser before).
 * Web Chat talks to Direct Line with the token from POST /api/directline/token, by polling.
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
      notice: `Cet assistant est un robot d’information de la Maison des usagers, pas un service de soins ni d’urgence\u00a0; il ne garde pas vos messages, sauf ceux échangés avec un ou une bénévole, conservés ${retentionDays}\u00a0jours (écrivez «\u00a0effacer mes données\u00a0» pour les effacer tout de suite)\u00a0; en cas d’urgence, appelez le 15 ou le 112, le 3114 pour la prévention du suicide, ou le 114 par SMS si vous êtes sourd ou malentendant.`,
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
      notice: `This assistant is an information robot of the Maison des usagers, not a care or emergency service; it does not keep your messages, except those exchanged with a volunteer, kept for ${retentionDays} days (write “erase my data” to erase them now); in an emergency, call 15 or 112, 3114 for suicide prevention, or text 114 if you are deaf or hard of hearing.`,
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
    WebChat.renderWebChat({ directLine, store, locale: LOCALES[lang], nonce: scriptNonce, styleOptions, sendTypingIndicator: false }, chatElement);
  }

  async function openChat() {
    const t = TEXTS[lang];
    openButton.disabled = true;
    openButton.textContent = t.opening;
    errorElement.hidden = true;
    startFailure = undefined;
    try {
      const [response] = await Promise.all([fetch('/api/directline/token', { method: 'POST', cache: 'no-store', credentials: 'same-origin' }), loadWebChat()]);
      if (!response.ok) throw Object.assign(new Error(`token: HTTP ${response.status}`), { status: response.status });
      const { token, domain } = await response.json();
      // @ts-ignore: window.WebChat comes from the UMD bundle
      const WebChat = window.WebChat;
      directLine = WebChat.createDirectLine({ token, domain, webSocket: false, conversationStartProperties: { locale: LOCALES[lang] } });
      store = WebChat.createStore({}, () => (/** @type {any} */ next) => (/** @type {any} */ action) => {
        if (action.type === 'DIRECT_LINE/INCOMING_ACTIVITY') {
          readHandoff(action.payload?.activity);
          readEasyRead(action.payload?.activity);
        }
        if (action.type === 'DIRECT_LINE/CONNECT_FULFILLED') setTimeout(sendEasyReadIfChosen);
        return next(action);
      });
      chatElement.hidden = false;
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
      const status = /** @type {{ status?: unknown }} */ (error)?.status;
      startFailure = status === 429 || status === 503 ? 'busy' : 'error';
      openButton.disabled = false;
      openButton.textContent = TEXTS[lang].open;
    }
    if (!startFailure) return;
    errorElement.textContent = TEXTS[lang][startFailure];
    errorElement.hidden = false;
  }

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
    applyTexts();
    // Web Chat's own texts and the locale of the visitor's next messages (the bot answers in it).
    if (directLine) render();
  });
  openButton.addEventListener('click', () => void openChat());
})();
