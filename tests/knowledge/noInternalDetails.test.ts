/**
 * What visitors and staff read carries nothing written for the repository: no file name, no
 * repository path, no placeholder for a missing document, no unfilled template marker. Checked on
 * every topic (every version) and every reply the bot can send, through the real bot, on the
 * website and in Teams, in French and in English; and on the phrase files those replies come from.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { parse as parseYaml } from 'yaml';
import { mduOf, startTestBot, type TestBot } from '../helpers/testBot.js';
import { ROOT, loadRealTopics } from '../helpers/realTopics.js';
import { LOCALES, sourceLabelProblem, type Locale } from '../../knowledge/schema.js';
import { deskTexts } from '../../handoff/deskTexts.js';
import { teamsTexts } from '../../teams/teamsTexts.js';
import { TENANT, personalMessage, staffUser } from '../teams/teamsActivities.js';

/** Why a text a reader sees gives away the repository, or an empty list. */
export function internalDetails(text: string): string[] {
  // Public links are fine: only what a reader reads is checked, not the addresses links point to.
  const read = text.replace(/\]\((https:\/\/[^)\s]+)\)/g, ']');
  const found: string[] = [];
  const file = /(?<![\w/.-])[\w-]+\.(?:txt|md|ya?ml|json|ts|js|mjs|csv)\b/i.exec(read);
  if (file) found.push(`file name "${file[0]}"`);
  const repoPath = /(?<![\w.-])(?:\.{1,2}\/)?(?:knowledge|shared|sources|tests?|safety|schedule|dialogs|handoff|teams|bot|web|data|node_modules)\/[\w.-]+/i.exec(read);
  if (repoPath) found.push(`repository path "${repoPath[0]}"`);
  const placeholder = /à compléter|à remplacer|\b(?:TODO|TBD|TBC|FIXME|XXX|lorem ipsum)\b|placeholder/i.exec(read);
  if (placeholder) found.push(`placeholder "${placeholder[0]}"`);
  const marker = /\{\{|\}\}|\{[A-Za-z_]+\}|\$\{|<%|%>|\bundefined\b|\bNaN\b|\[object Object\]/.exec(read);
  if (marker) found.push(`template marker "${marker[0]}"`);
  return found;
}

/** Every string inside a value (a YAML tree, a table of texts). */
function* stringsIn(value: unknown, where = ''): Generator<[string, string]> {
  if (typeof value === 'string') yield [where, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* stringsIn(v, `${where}[${i}]`);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* stringsIn(v, where ? `${where}.${k}` : k);
}

/** Everything a reply shows: its text, its buttons, its cards. */
function shown(activity: Partial<Activity>): string {
  const buttons = (activity.suggestedActions?.actions ?? []).map((a) => `${a.title ?? ''} ${String(a.displayText ?? '')}`);
  // In a card, what is read: its texts and titles.
  const cards = (activity.attachments ?? []).flatMap((a) => [...stringsIn(a.content ?? {})].filter(([where]) => /(?:^|\.)(?:text|title|altText|fallbackText|label)$/.test(where)).map(([, v]) => v));
  return [activity.text ?? '', ...buttons, ...cards].join('\n');
}

describe('No file name, path, placeholder or template marker reaches a reader', function () {
  this.timeout(120_000);
  const topics = loadRealTopics();

  it('the detector finds what it is for, and passes public titles and links', () => {
    expect(internalDetails('Source : Mémoire (shared/sources/memoire-mdu-sainte-anne.txt)')).to.have.length.greaterThan(0);
    expect(internalDetails('Planning (knowledge/schedule.yaml)')).to.have.length.greaterThan(0);
    expect(internalDetails('Documents de la MDU (à compléter par la coordinatrice)')).to.deep.equal(['placeholder "à compléter"']);
    expect(internalDetails('Voici : {{schedule.today}}')).to.have.length.greaterThan(0);
    expect(internalDetails('au plus {limit} caractères')).to.have.length.greaterThan(0);
    expect(internalDetails('_Sources : [Code de la santé publique, article L1111-7](https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000006685776). Vérifié le 07/12/2026._')).to.deep.equal([]);
    expect(internalDetails('Circulaire DHOS/E1/2006/550 ; tchat sur sos-amitie.com ; 24 h/24')).to.deep.equal([]);
  });

  it('every source label of every topic, contact and the schedule is a public title', () => {
    const labels: [string, string][] = topics.flatMap((t) => t.sources.map((s) => [t.id, s.label] as [string, string]));
    for (const file of ['contacts.yaml', 'schedule.yaml']) {
      for (const [where, value] of stringsIn(parseYaml(readFileSync(path.join(ROOT, 'knowledge', file), 'utf8')))) if (/sources\[\d+\]\.label$/.test(where)) labels.push([`${file} ${where}`, value]);
    }
    expect(labels.length).to.be.greaterThan(60);
    for (const [where, label] of labels) {
      expect(sourceLabelProblem(label), `${where}: ${label}`).to.equal(undefined);
      expect(internalDetails(label), `${where}: ${label}`).to.deep.equal([]);
    }
  });

  it('the phrase files (the bot, Teams) hold none, in either language', () => {
    const phrases = parseYaml(readFileSync(path.join(ROOT, 'knowledge/messages.yaml'), 'utf8')) as unknown;
    // `{name}` slots are the phrase file's own: filled by the bot, checked on the replies below.
    for (const [where, text] of stringsIn(phrases)) expect(internalDetails(text.replace(/\{(?:sources|checked|limit)\}/g, '')), `messages.yaml ${where}`).to.deep.equal([]);
    for (const [where, text] of stringsIn(teamsTexts)) expect(internalDetails(text.replace(/\{\w+\}/g, '')), `teamsTexts ${where}`).to.deep.equal([]);
    const conversation = parseYaml(readFileSync(path.join(ROOT, 'knowledge/conversation.yaml'), 'utf8')) as unknown;
    for (const [where, text] of stringsIn(conversation)) expect(internalDetails(text), `conversation.yaml ${where}`).to.deep.equal([]);
  });

  it('every message of the handoff desk holds none, in either language', () => {
    const wait = { position: 2, estimateMinutes: 5, maxMinutes: 20 };
    const noEstimate = { position: 1, maxMinutes: 20 };
    for (const locale of LOCALES) {
      const messages: Partial<Activity>[] = [
        deskTexts.queued(wait, locale),
        deskTexts.queued(noEstimate, locale),
        deskTexts.positionUpdate(wait, locale),
        deskTexts.alreadyQueued(wait, locale),
        deskTexts.notedWhileQueued(wait, locale),
        deskTexts.prioritised(wait, locale),
        deskTexts.accepted('Alice', locale),
        deskTexts.alreadyLive('Alice', locale),
        deskTexts.fromVolunteer('Bonjour', 'Alice', locale),
        deskTexts.crisisRelayed('Alice', locale),
        deskTexts.endedByVolunteer('Alice', locale),
        deskTexts.endedByVisitor('Alice', locale),
        deskTexts.endedByInactivity('Alice', 10, locale),
        deskTexts.cancelled(locale),
        deskTexts.timedOut(20, 'mardi 14 h', locale),
        deskTexts.timedOut(20, undefined, locale),
        deskTexts.noLongerAvailable('mardi 14 h', locale),
        deskTexts.noLongerAvailable(undefined, locale),
        deskTexts.nobodySignedIn(['UNAFAM'], 'mardi 14 h', locale),
        deskTexts.nobodySignedIn([], undefined, locale),
        deskTexts.unreachable(locale),
        deskTexts.nothingInProgress(locale),
      ];
      for (const message of messages) expect(internalDetails(shown(message)), shown(message)).to.deep.equal([]);
    }
  });

  describe('every reply, through the real bot', () => {
    let bot: TestBot;
    let counter = 0;
    before(async () => {
      bot = await startTestBot({ TEAMS_TENANT_ID: TENANT, RATE_LIMIT_MESSAGES: '0', RATE_LIMIT_PUBLIC: '0' });
    });
    after(async () => {
      await bot.stop();
    });

    const locales: Record<Locale, string> = { fr: 'fr-FR', en: 'en-US' };
    const where = { serviceUrl: 'https://smba.trafficmanager.net/emea/' };

    function check(replies: Partial<Activity>[], label: string): void {
      expect(replies.length, label).to.be.greaterThan(0);
      for (const reply of replies) {
        if (reply.type !== 'message') continue;
        expect(internalDetails(shown(reply)), `${label}: ${shown(reply).slice(0, 300)}`).to.deep.equal([]);
      }
    }

    async function web(text: string, locale: Locale, conversation: string, value?: unknown): Promise<Partial<Activity>[]> {
      return bot.say(text, { conversationId: conversation, locale: locales[locale], ...(value === undefined ? {} : { value }) });
    }

    async function teams(text: string, locale: Locale, value?: unknown): Promise<Partial<Activity>[]> {
      return bot.send(personalMessage(staffUser, text, { ...where, locale: locales[locale] }, value));
    }

    /** What a visitor or a member of staff can write that is not a topic. */
    const conversational: Record<Locale, string[]> = {
      fr: ['bonjour', 'merci beaucoup', 'au revoir', 'zorglub quantique flamboyant', 'je veux me suicider', 'Quelle dose de Xanax dois-je prendre ?', 'effacer mes données', 'je voudrais parler à un bénévole', 'x'.repeat(5000)],
      en: ['hello', 'thank you', 'goodbye', 'quantum zorglub flamboyant', 'I want to kill myself', 'What dose of Xanax should I take?', 'erase my data', 'I would like to talk to a volunteer', 'x'.repeat(5000)],
    };

    for (const locale of LOCALES) {
      it(`${locale}: every topic on the website, in its full and easy-read versions, and easy read switched on and off`, async () => {
        const conversation = `leak-web-${locale}`;
        for (const topic of topics) {
          check(await web(topic.id, locale, conversation, { mdu: 'topic', id: topic.id }), `${topic.id} web ${locale}`);
          const easy = await web('', locale, conversation, { mdu: 'easyRead', on: true, topic: topic.id });
          check(easy, `${topic.id} web ${locale} easy`);
          expect(mduOf(easy[0]).topic).to.equal(topic.id);
          check(await web('', locale, conversation, { mdu: 'easyRead', on: false }), `${topic.id} web ${locale} easy off`);
        }
        check(await web('', locale, `leak-web-switch-${locale}`, { mdu: 'easyRead', on: true }), `switch on ${locale}`);
      });

      it(`${locale}: every topic in Teams`, async () => {
        for (const topic of topics) check(await teams(topic.id, locale, { mdu: 'topic', id: topic.id, msteams: { type: 'messageBack' } }), `${topic.id} teams ${locale}`);
      });

      it(`${locale}: welcome, small talk, fallback, crisis, medical, erasure, handoff, feedback, too long, no text: web and Teams`, async () => {
        const conversation = `leak-talk-${locale}-${++counter}`;
        check(
          await bot.send({
            type: 'conversationUpdate',
            channelId: 'webchat',
            locale: locales[locale],
            conversation: { id: conversation },
            membersAdded: [{ id: 'visitor-1' }],
            from: { id: 'visitor-1' },
            recipient: { id: 'mdu-bot' },
          } as Partial<Activity>),
          `welcome web ${locale}`,
        );
        for (const text of conversational[locale]) {
          check(await web(text, locale, `${conversation}-${text.length}`), `web "${text.slice(0, 30)}" ${locale}`);
          check(await teams(text, locale), `teams "${text.slice(0, 30)}" ${locale}`);
        }
        check(await web('', locale, conversation, { mdu: 'erase', confirm: false }), `erase kept ${locale}`);
        check(await web('', locale, conversation, { mdu: 'feedback', topic: 'mdu.what', helpful: true }), `feedback ${locale}`);
        check(await web('', locale, conversation, { mdu: 'handoff', action: 'request' }), `handoff request ${locale}`);
        check(await web('', locale, conversation, { mdu: 'erase', confirm: true }), `erase done ${locale}`);
        const noText = await bot.send({
          type: 'message',
          channelId: 'webchat',
          locale: locales[locale],
          conversation: { id: `${conversation}-file` },
          from: { id: 'visitor-1', role: 'user' },
          recipient: { id: 'mdu-bot', role: 'bot' },
          attachments: [{ contentType: 'image/png', contentUrl: 'https://example.org/x.png' }],
        } as Partial<Activity>);
        check(noText, `no text ${locale}`);
      });
    }
  });
});
