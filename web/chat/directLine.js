// @ts-check
/**
 * The page's Direct Line client (window.MduDirectLine): the object Web Chat talks to, in place of
 * botframework-directlinejs's, because that one (0.15.5, inside Web Chat 4.18.1) never recovers
 * from a restart of the bot: one refused poll ends polling for good, and a closed WebSocket waits
 * 3 to 15 s, then 20 s more after each refused reconnection, before trying again.
 *
 * This one keeps the conversation going whatever happens to the connection:
 * - the WebSocket stream first (`streamUrl`, activity sets with watermarks, as Azure serves them),
 *   polling as the fallback (no WebSocket, or a stream that never opens while HTTP works);
 * - after a closed socket or a failed request, it reconnects by itself (GET the conversation at
 *   the last watermark, a fresh `streamUrl`), quickly at first (0.25 s, then up to 2 s apart);
 * - Web Chat always sees it "online" (Web Chat cancels sends in flight when a connection goes
 *   back to "connecting"); the page hears about the link through `onLink` instead;
 * - a post that fails for want of a connection is retried, with Web Chat's clientActivityID,
 *   which the service uses to take it once: nothing delivered is ever reported failed;
 * - it resumes a conversation (conversation id and token from the tab's session storage): GET
 *   with no watermark, so the service sends again what it still keeps (a live handoff's exchange).
 *
 * What Web Chat needs of it: `activity$` and `connectionStatus$` (subscribe → unsubscribe),
 * `postActivity(activity)` (an observable of the id), `end()`, and `token`.
 */
(() => {
  'use strict';

  const UNINITIALIZED = 0;
  const CONNECTING = 1;
  const ONLINE = 2;
  const ENDED = 5;
  /** Waits between reconnection attempts (ms), the last repeated. */
  const BACKOFF = [250, 500, 1000, 1500, 2000];
  /** A stream that sends nothing for this long is taken for dead (the server sends an empty message every 15 s). */
  const SILENCE_MS = 40_000;
  const POLL_MS = 1000;
  const REFRESH_MS = 15 * 60_000;
  /** How long a post keeps trying while the service cannot be reached. */
  const POST_DEADLINE_MS = 120_000;

  /**
   * @typedef {{ next?: (value: any) => void, error?: (error: any) => void, complete?: () => void }} Observer
   * @typedef {{ subscribe(observer: Observer | ((value: any) => void)): { unsubscribe(): void } }} Observable
   * @typedef {{ conversationId: string, token: string }} Session
   * @typedef {'online' | 'reconnecting' | 'polling'} Link
   * @typedef {{
   *   domain: string, token: string, conversationId?: string, locale?: string, webSocket?: boolean,
   *   onSession?: (session: Session) => void, onLink?: (link: Link) => void, onGone?: () => void
   * }} Options
   */

  class HttpError extends Error {
    /** @param {number} status */
    constructor(status) {
      super(`HTTP ${status}`);
      this.status = status;
    }
  }

  const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const backoff = (/** @type {number} */ attempt) => BACKOFF[Math.min(attempt, BACKOFF.length - 1)] ?? 2000;

  /** @param {Observer | ((value: any) => void)} observer @returns {Observer} */
  const asObserver = (observer) => (typeof observer === 'function' ? { next: observer } : observer);

  class MduDirectLine {
    /** @param {Options} options */
    constructor(options) {
      this.domain = options.domain.replace(/\/+$/, '');
      this.token = options.token;
      /** @type {string | undefined} */
      this.conversationId = options.conversationId;
      this.locale = options.locale;
      this.useWebSocket = options.webSocket !== false && typeof WebSocket !== 'undefined';
      this.options = options;
      this.watermark = '';
      /** @type {string | undefined} */
      this.streamUrl = undefined;
      this.ended = false;
      this.started = false;
      /** @type {WebSocket | undefined} */
      this.socket = undefined;
      /** @type {Set<Observer>} */
      this.activityObservers = new Set();
      /** @type {Set<Observer>} */
      this.statusObservers = new Set();
      this.status = UNINITIALIZED;
      /** @type {Link | undefined} */
      this.lastLink = undefined;
      /** @type {(() => void) | undefined} */
      this.wake = undefined;
      /** @type {Promise<void>} */
      this.ready = new Promise((resolve) => (this.markReady = resolve));
      /** @type {ReturnType<typeof setInterval> | undefined} */
      this.refreshTimer = undefined;

      /** @type {Observable} */
      this.connectionStatus$ = {
        subscribe: (observer) => {
          const o = asObserver(observer);
          this.statusObservers.add(o);
          o.next?.(this.status);
          return { unsubscribe: () => void this.statusObservers.delete(o) };
        },
      };
      /** @type {Observable} */
      this.activity$ = {
        subscribe: (observer) => {
          const o = asObserver(observer);
          this.activityObservers.add(o);
          if (!this.started) {
            this.started = true;
            void this.run();
          }
          return { unsubscribe: () => void this.activityObservers.delete(o) };
        },
      };
    }

    /** @param {any} activity @returns {Observable} */
    postActivity(activity) {
      return {
        subscribe: (observer) => {
          const o = asObserver(observer);
          let live = true;
          this.post(activity).then(
            (id) => live && (o.next?.(id), o.complete?.()),
            (error) => live && o.error?.(error),
          );
          return { unsubscribe: () => void (live = false) };
        },
      };
    }

    end() {
      if (this.ended) return;
      this.ended = true;
      if (this.refreshTimer) clearInterval(this.refreshTimer);
      this.socket?.close(1000);
      this.wake?.();
      this.setStatus(ENDED);
    }

    // ---- inside ------------------------------------------------------------------------------

    /** @param {number} status */
    setStatus(status) {
      if (this.status === status) return;
      this.status = status;
      for (const o of [...this.statusObservers]) o.next?.(status);
    }

    /** @param {Link} link */
    link(link) {
      if (this.lastLink !== link) {
        this.lastLink = link;
        this.options.onLink?.(link);
      }
    }

    /** A pause that `end()` cuts short. @param {number} ms */
    pause(ms) {
      return new Promise((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          resolve(undefined);
        }
        this.wake = done;
      });
    }

    /** @param {string} method @param {string} path @param {any} [body] */
    async request(method, path, body) {
      const response = await fetch(`${this.domain}${path}`, {
        method,
        cache: 'no-store',
        headers: { Authorization: `Bearer ${this.token}`, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!response.ok) throw new HttpError(response.status);
      return response.json();
    }

    /** The whole life of the connection: open (or resume), then stream or poll, reconnecting, until `end()`. */
    async run() {
      this.setStatus(CONNECTING);
      try {
        await this.open(this.watermark);
      } catch {
        return this.gone();
      }
      this.setStatus(ONLINE);
      this.markReady?.();
      this.refreshTimer = setInterval(() => void this.refresh(), REFRESH_MS);
      let streamFailures = 0;
      while (!this.ended) {
        if (this.useWebSocket && streamFailures < 3) {
          const opened = await this.stream();
          if (this.ended) break;
          streamFailures = opened ? 0 : streamFailures + 1;
          this.link('reconnecting');
          try {
            await this.open(this.watermark);
          } catch {
            return this.gone();
          }
        } else {
          this.link('polling');
          await this.poll();
        }
      }
    }

    /**
     * Starts the conversation, or gets it again (GET at the watermark: a fresh stream URL), trying
     * until the service answers; throws only when the conversation is gone (403, 404).
     * @param {string} watermark
     */
    async open(watermark) {
      for (let attempt = 0; !this.ended; attempt++) {
        try {
          const answer = this.conversationId
            ? await this.request('GET', `/conversations/${encodeURIComponent(this.conversationId)}?watermark=${encodeURIComponent(watermark)}`)
            : await this.request('POST', '/conversations', { locale: this.locale });
          this.conversationId = answer.conversationId || this.conversationId;
          if (answer.token) this.token = answer.token;
          this.streamUrl = answer.streamUrl;
          if (this.conversationId) this.options.onSession?.({ conversationId: this.conversationId, token: this.token });
          return;
        } catch (error) {
          const status = error instanceof HttpError ? error.status : 0;
          if (status === 401 || status === 403 || status === 404) throw error;
          this.link('reconnecting');
          await this.pause(backoff(attempt));
        }
      }
    }

    /** One WebSocket stream, until it closes; resolves whether it had opened. @returns {Promise<boolean>} */
    stream() {
      return new Promise((resolve) => {
        if (!this.streamUrl) return resolve(false);
        let opened = false;
        /** @type {ReturnType<typeof setTimeout> | undefined} */
        let silence;
        const socket = new WebSocket(this.streamUrl);
        this.socket = socket;
        const arm = () => {
          clearTimeout(silence);
          silence = setTimeout(() => socket.close(), SILENCE_MS);
        };
        socket.onopen = () => {
          opened = true;
          arm();
          this.link('online');
        };
        socket.onmessage = (event) => {
          arm();
          if (typeof event.data === 'string' && event.data) this.receive(JSON.parse(event.data));
        };
        socket.onclose = () => {
          clearTimeout(silence);
          this.socket = undefined;
          resolve(opened);
        };
      });
    }

    /** Polls until `end()`, never giving up on errors (it backs off instead). */
    async poll() {
      for (let failures = 0; !this.ended; ) {
        try {
          const set = await this.request('GET', `/conversations/${encodeURIComponent(this.conversationId || '')}/activities?watermark=${encodeURIComponent(this.watermark)}`);
          failures = 0;
          this.link('polling');
          this.receive(set);
          await this.pause(POLL_MS);
        } catch (error) {
          const status = error instanceof HttpError ? error.status : 0;
          if (status === 403 || status === 404) return this.gone();
          this.link('reconnecting');
          await this.pause(backoff(failures++));
        }
      }
    }

    /** An activity set from the stream or a poll. @param {{ activities?: any[], watermark?: string }} set */
    receive(set) {
      if (set.watermark) this.watermark = set.watermark;
      for (const activity of set.activities || []) for (const o of [...this.activityObservers]) o.next?.(activity);
    }

    /** Posts an activity, again while the service cannot be reached (the service takes it once). @param {any} activity */
    async post(activity) {
      const deadline = Date.now() + POST_DEADLINE_MS;
      for (let attempt = 0; ; attempt++) {
        await this.ready;
        if (this.ended) throw new Error('ended');
        try {
          const answer = await this.request('POST', `/conversations/${encodeURIComponent(this.conversationId || '')}/activities`, activity);
          return answer.id;
        } catch (error) {
          const status = error instanceof HttpError ? error.status : 0;
          // Unreachable, or starting / stopping: try again. Anything else is an answer.
          if ((status !== 0 && status !== 503) || Date.now() > deadline) throw error;
          await this.pause(backoff(attempt));
        }
      }
    }

    async refresh() {
      try {
        const answer = await this.request('POST', '/tokens/refresh');
        if (answer.token) this.token = answer.token;
        if (this.conversationId) this.options.onSession?.({ conversationId: this.conversationId, token: this.token });
      } catch {
        // The next reconnection or refresh tries again.
      }
    }

    /** The conversation cannot be reached any more (token expired, conversation gone). */
    gone() {
      if (this.ended) return;
      this.end();
      this.options.onGone?.();
    }
  }

  // @ts-ignore: the page's other scripts find it here
  window.MduDirectLine = MduDirectLine;
})();
