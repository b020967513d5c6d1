/**
 * The coordinator's dashboard, behind the volunteers' console sign-in:
 *
 * - `GET /console/dashboard` (`?lang=en` for English): the page, rendered on the server as HTML
 *   with SVG bars and one stylesheet; no script, no CDN.
 * - `GET /console/dashboard/dashboard.css`: its stylesheet.
 * - `GET /console/api/dashboard`: the same figures as JSON.
 *
 * Who may see it: a signed-in console session (cookie `mdu_console` or `Authorization: Bearer`,
 * checked by the handoff desk's `ConsoleSessions`) whose login is in `DASHBOARD_LOGINS`, or any
 * signed-in volunteer when that setting is empty. Without a session the page sends the visitor
 * to the console's sign-in; the API answers 401, and 403 for a login not allowed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type restify from 'restify';
import type { Request, Response } from 'restify';
import { sendError } from '../bot/httpGuards.js';
import type { Logger } from '../bot/log.js';
import { SESSION_COOKIE, readCookie } from '../handoff/consoleRoutes.js';
import type { CoordinatorDashboard, DashboardView } from './CoordinatorDashboard.js';

/** Who is signed in on the console, from a request (cookie or bearer), or undefined. */
export type ConsoleSessionCheck = (req: Request) => Promise<{ login: string } | undefined>;

/** The console's own session check (`ConsoleSessions.get`), fed with the token of a request: bearer or cookie, as the console API takes them. */
export function consoleSession(get: (token: string | undefined) => Promise<{ login: string } | undefined>): ConsoleSessionCheck {
  return async (req) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '')?.[1];
    const session = await get(bearer ?? readCookie(req.header('cookie') ?? '', SESSION_COOKIE));
    return session && { login: session.login };
  };
}

export interface DashboardRouteDeps {
  dashboard: CoordinatorDashboard;
  sessionOf: ConsoleSessionCheck;
  /** Logins allowed to see the dashboard; empty: every signed-in volunteer. */
  allowedLogins: readonly string[];
  /** The folder of the stylesheet (`web/dashboard`). */
  pageDir: string;
  log: Logger;
}

export function dashboardRoutes(deps: DashboardRouteDeps): (server: restify.Server) => void {
  return (server) => registerDashboardRoutes(server, deps);
}

export function registerDashboardRoutes(server: restify.Server, deps: DashboardRouteDeps): void {
  const css = readFileSync(path.join(deps.pageDir, 'dashboard.css'));

  const allowed = async (req: Request): Promise<'ok' | 'not_signed_in' | 'forbidden'> => {
    const session = await deps.sessionOf(req);
    if (!session) return 'not_signed_in';
    return deps.allowedLogins.length === 0 || deps.allowedLogins.includes(session.login) ? 'ok' : 'forbidden';
  };

  server.get('/console/dashboard', async (req: Request, res: Response) => {
    const lang: Lang = (req.query as { lang?: string } | undefined)?.lang === 'en' ? 'en' : 'fr';
    pageHeaders(res);
    const access = await allowed(req);
    if (access === 'not_signed_in') {
      res.header('Location', '/console');
      res.header('Content-Type', 'text/html; charset=utf-8');
      res.sendRaw(303, page(lang, T[lang].signIn, `<p><a href="/console">${T[lang].signIn}</a></p>`));
      return;
    }
    if (access === 'forbidden') {
      res.header('Content-Type', 'text/html; charset=utf-8');
      res.sendRaw(403, page(lang, T[lang].title, `<p>${T[lang].forbidden}</p>`));
      return;
    }
    const view = await deps.dashboard.view();
    res.header('Content-Type', 'text/html; charset=utf-8');
    res.sendRaw(200, renderDashboard(view, lang));
  });

  server.get('/console/dashboard/dashboard.css', async (_req: Request, res: Response) => {
    res.header('Content-Type', 'text/css; charset=utf-8');
    res.header('Cache-Control', 'no-cache');
    res.header('X-Content-Type-Options', 'nosniff');
    res.sendRaw(200, css);
  });

  server.get('/console/api/dashboard', async (req: Request, res: Response) => {
    res.header('Cache-Control', 'no-store');
    res.header('X-Content-Type-Options', 'nosniff');
    const access = await allowed(req);
    if (access === 'not_signed_in') return sendError(res, 401, 'not_signed_in', 'Sign in first.');
    if (access === 'forbidden') return sendError(res, 403, 'forbidden', 'The dashboard is for the MDU coordinator.');
    res.json(await deps.dashboard.view());
  });
}

/** The page's own policy; the other security headers come from bot/httpGuards.ts, on every response. */
function pageHeaders(res: Response): void {
  res.header('Content-Security-Policy', "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
  res.header('Cache-Control', 'no-store');
}

// ---- the page ----------------------------------------------------------------------------------

type Lang = 'fr' | 'en';

const T = {
  fr: {
    title: 'Tableau de bord de la Maison des usagers',
    signIn: 'Connectez-vous à la console',
    forbidden: "Ce tableau de bord est réservé à la coordination de la MDU. Demandez-lui l'accès.",
    other: 'English',
    generated: 'Chiffres au',
    totals: 'En bref',
    asked: 'questions répondues',
    helpful: 'réponses jugées utiles',
    notHelpful: 'jugées pas utiles',
    unansweredCount: 'questions sans réponse à revoir',
    handoffs: 'demandes de bénévole',
    perTopic: 'Questions par sujet',
    topic: 'Sujet',
    count: 'Questions',
    feedback: 'Utile / pas utile',
    feedbackTitle: 'Avis des visiteurs par sujet',
    noFeedback: 'aucun avis',
    permanences: 'Demandes de bénévole par permanence',
    permanence: 'Permanence',
    outside: 'Hors permanence',
    answered: 'prises en charge',
    unansweredHandoff: 'sans réponse à temps',
    cancelled: 'annulées',
    pending: 'en attente ou en cours',
    noHandoffs: "Aucune demande de bénévole pour l'instant.",
    unanswered: 'Questions sans réponse à revoir',
    unansweredNote: (days: number, shown: number) =>
      `Déjà anonymisées (noms, numéros, adresses retirés). Gardées ${days} jours. Les ${shown} plus récentes ; toutes avec « npm run kb:unanswered ».`,
    when: 'Date',
    language: 'Langue',
    question: 'Question',
    none: 'Aucune pour le moment.',
    weekdays: { mon: 'lundi', tue: 'mardi', wed: 'mercredi', thu: 'jeudi', fri: 'vendredi', sat: 'samedi', sun: 'dimanche' } as Record<string, string>,
  },
  en: {
    title: 'Maison des usagers dashboard',
    signIn: 'Sign in to the console',
    forbidden: 'This dashboard is for the MDU coordinator. Ask them for access.',
    other: 'Français',
    generated: 'Figures as of',
    totals: 'At a glance',
    asked: 'questions answered',
    helpful: 'answers found helpful',
    notHelpful: 'found not helpful',
    unansweredCount: 'unanswered questions to review',
    handoffs: 'requests for a volunteer',
    perTopic: 'Questions per topic',
    topic: 'Topic',
    count: 'Questions',
    feedback: 'Helpful / not helpful',
    feedbackTitle: "Visitors' feedback per topic",
    noFeedback: 'no feedback',
    permanences: 'Requests for a volunteer per permanence',
    permanence: 'Permanence',
    outside: 'Outside permanences',
    answered: 'taken',
    unansweredHandoff: 'not answered in time',
    cancelled: 'cancelled',
    pending: 'waiting or under way',
    noHandoffs: 'No request for a volunteer yet.',
    unanswered: 'Unanswered questions to review',
    unansweredNote: (days: number, shown: number) =>
      `Already anonymised (names, numbers, addresses removed). Kept ${days} days. The ${shown} most recent; all of them with "npm run kb:unanswered".`,
    when: 'Date',
    language: 'Language',
    question: 'Question',
    none: 'None for now.',
    weekdays: { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' } as Record<string, string>,
  },
};

export function renderDashboard(view: DashboardView, lang: Lang): string {
  const t = T[lang];
  const date = (iso: string) => new Date(iso).toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' });
  const maxAsked = Math.max(1, ...view.topics.map((x) => x.asked));
  const maxHandoffs = Math.max(1, ...view.permanences.map((p) => p.requested));

  const totals = `
  <section aria-labelledby="totals"><h2 id="totals">${t.totals}</h2>
    <ul class="totals">
      <li><strong>${view.totals.asked}</strong> ${t.asked}</li>
      <li><strong>${view.totals.helpful}</strong> ${t.helpful}, <strong>${view.totals.notHelpful}</strong> ${t.notHelpful}</li>
      <li><strong>${view.totals.unanswered}</strong> ${t.unansweredCount}</li>
      <li><strong>${view.totals.handoffsRequested}</strong> ${t.handoffs}</li>
    </ul>
  </section>`;

  const topicRows = view.topics
    .map((x) => {
      const feedback = x.helpful + x.notHelpful;
      return `<tr><th scope="row">${esc(x.title[lang])} <span class="id">${esc(x.id)}</span></th>
        <td class="num">${x.asked}</td><td class="chart">${bar([{ value: x.asked, cls: 'asked' }], maxAsked, `${x.asked}`)}</td>
        <td class="num">${x.helpful} / ${x.notHelpful}</td>
        <td class="chart">${feedback === 0 ? `<span class="muted">${t.noFeedback}</span>` : bar([{ value: x.helpful, cls: 'good' }, { value: x.notHelpful, cls: 'bad' }], feedback, `${x.helpful} / ${x.notHelpful}`)}</td></tr>`;
    })
    .join('\n');

  const permanenceRows = view.permanences
    .map((p) => {
      const name = p.association ? `${esc(p.association)}, ${esc(t.weekdays[p.weekday] ?? p.weekday)} ${esc(p.from)}–${esc(p.to)}` : t.outside;
      const rest = Math.max(0, p.requested - p.answered - p.unanswered - p.cancelled);
      return `<tr><th scope="row">${name}</th><td class="num">${p.requested}</td>
        <td class="chart">${bar([{ value: p.answered, cls: 'good' }, { value: p.unanswered, cls: 'bad' }, { value: p.cancelled, cls: 'neutral' }, { value: rest, cls: 'pending' }], maxHandoffs, `${p.requested}`)}</td>
        <td class="num">${p.answered}</td><td class="num">${p.unanswered}</td><td class="num">${p.cancelled}</td></tr>`;
    })
    .join('\n');

  const unansweredRows = view.unanswered
    .map((q) => `<tr><td class="when">${esc(date(q.at))}</td><td>${esc(q.locale)}</td><td>${esc(q.text)}</td></tr>`)
    .join('\n');

  const body = `
  <p class="meta">${t.generated} ${esc(date(view.generatedAt))} · <a href="/console/dashboard?lang=${lang === 'fr' ? 'en' : 'fr'}" lang="${lang === 'fr' ? 'en' : 'fr'}">${t.other}</a> · <a href="/console">Console</a></p>
  ${totals}
  <section aria-labelledby="topics"><h2 id="topics">${t.perTopic}</h2>
    <p class="legend"><span class="key asked"></span> ${t.count} · <span class="key good"></span> ${t.helpful} · <span class="key bad"></span> ${t.notHelpful}</p>
    <table><thead><tr><th scope="col">${t.topic}</th><th scope="col" class="num">${t.count}</th><th scope="col"></th><th scope="col" class="num">${t.feedback}</th><th scope="col">${t.feedbackTitle}</th></tr></thead>
    <tbody>${topicRows}</tbody></table>
  </section>
  <section aria-labelledby="permanences"><h2 id="permanences">${t.permanences}</h2>
    ${
      view.permanences.length === 0
        ? `<p>${t.noHandoffs}</p>`
        : `<p class="legend"><span class="key good"></span> ${t.answered} · <span class="key bad"></span> ${t.unansweredHandoff} · <span class="key neutral"></span> ${t.cancelled} · <span class="key pending"></span> ${t.pending}</p>
    <table><thead><tr><th scope="col">${t.permanence}</th><th scope="col" class="num">${t.handoffs}</th><th scope="col"></th><th scope="col" class="num">${t.answered}</th><th scope="col" class="num">${t.unansweredHandoff}</th><th scope="col" class="num">${t.cancelled}</th></tr></thead>
    <tbody>${permanenceRows}</tbody></table>`
    }
  </section>
  <section aria-labelledby="unanswered"><h2 id="unanswered">${t.unanswered}</h2>
    <p class="legend">${esc(t.unansweredNote(view.unansweredRetentionDays, view.unanswered.length))}</p>
    ${view.unanswered.length === 0 ? `<p>${t.none}</p>` : `<table class="questions"><thead><tr><th scope="col">${t.when}</th><th scope="col">${t.language}</th><th scope="col">${t.question}</th></tr></thead><tbody>${unansweredRows}</tbody></table>`}
  </section>`;
  return page(lang, t.title, body);
}

function page(lang: Lang, title: string, body: string): string {
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${esc(title)}</title>
<link rel="stylesheet" href="/console/dashboard/dashboard.css">
</head>
<body>
<main>
<h1>${esc(title)}</h1>
${body}
</main>
</body>
</html>
`;
}

/** A horizontal bar of stacked parts, as SVG (no inline style, so a strict CSP allows it). */
function bar(parts: { value: number; cls: string }[], max: number, label: string): string {
  const width = 100;
  let x = 0;
  const rects = parts
    .filter((p) => p.value > 0)
    .map((p) => {
      const w = (p.value / max) * width;
      const rect = `<rect class="${p.cls}" x="${x.toFixed(2)}" y="0" width="${w.toFixed(2)}" height="10"></rect>`;
      x += w;
      return rect;
    })
    .join('');
  return `<svg class="bar" viewBox="0 0 ${width} 10" preserveAspectRatio="none" role="img" aria-label="${esc(label)}">${rects}</svg>`;
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
