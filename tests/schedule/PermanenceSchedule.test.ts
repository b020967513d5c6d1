import { expect } from 'chai';
import { PermanenceSchedule } from '../../schedule/PermanenceSchedule.js';
import { ScheduleTexts } from '../../schedule/describeSchedule.js';
import { fromLocal, isoWeek, toLocal } from '../../schedule/zonedTime.js';

const source = [{ label: 'test' }];
const base = {
  example: false,
  timezone: 'Europe/Paris',
  checked: '2026-11-01',
  sources: source,
  opening: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' }],
  associations: [
    { id: 'argos', name: 'Argos 2001', kind: 'specialised', about: { fr: 'troubles bipolaires', en: 'bipolar disorder' }, aliases: ['bipolaire', 'bipolar'] },
    { id: 'unafam', name: 'UNAFAM', kind: 'family', about: { fr: 'proches', en: 'relatives' }, aliases: ['familles'] },
    { id: 'toc', name: 'AFTOC', kind: 'specialised', about: { fr: 'TOC', en: 'OCD' }, aliases: ['toc', 'ocd'] },
  ],
  permanences: [
    { association: 'argos', days: ['tue'], from: '14:00', to: '17:00' },
    { association: 'unafam', days: ['tue', 'thu'], from: '10:00', to: '12:00' },
    { association: 'toc', days: ['wed'], from: '14:00', to: '16:00', weeks: 'odd' },
  ],
  exceptions: [
    { date: '2026-12-25', closed: true, reason: { fr: 'Noël', en: 'Christmas' } },
    { date: '2026-12-01', association: 'argos', cancelled: true },
  ],
};
const schedule = PermanenceSchedule.fromData(base, 'test.yaml');
const at = (iso: string) => new Date(iso);

describe('PermanenceSchedule', () => {
  describe('who is there (fixed clock, Europe/Paris)', () => {
    const cases: { now: string; present: string[]; label: string }[] = [
      { label: 'Tuesday 15:00 in winter (UTC+1)', now: '2026-11-24T15:00:00+01:00', present: ['argos'] },
      { label: 'Tuesday 11:00', now: '2026-11-24T11:00:00+01:00', present: ['unafam'] },
      { label: 'Tuesday 17:00 sharp: the permanence has ended', now: '2026-11-24T17:00:00+01:00', present: [] },
      { label: 'Tuesday 16:59', now: '2026-11-24T16:59:00+01:00', present: ['argos'] },
      { label: 'a Tuesday when Argos cancelled', now: '2026-12-01T15:00:00+01:00', present: [] },
      { label: 'Christmas, a Friday: closed', now: '2026-12-25T11:00:00+01:00', present: [] },
      { label: 'Tuesday 14:30 in summer (UTC+2), given in UTC', now: '2026-07-07T12:30:00Z', present: ['argos'] },
      { label: 'Saturday', now: '2026-11-28T15:00:00+01:00', present: [] },
    ];
    for (const c of cases) {
      it(c.label, () => {
        expect(schedule.presentNow(at(c.now)).map((s) => s.association.id)).to.deep.equal(c.present);
      });
    }
  });

  it('holds a fortnightly permanence on odd ISO weeks only', () => {
    // 2026-11-18 is in ISO week 47 (odd), 2026-11-25 in week 48 (even).
    expect(isoWeek('2026-11-18')).to.equal(47);
    expect(schedule.slotsOn('2026-11-18').map((s) => s.association.id)).to.include('toc');
    expect(schedule.slotsOn('2026-11-25').map((s) => s.association.id)).to.not.include('toc');
  });

  it('gives the next permanence after the last one of the day', () => {
    const next = schedule.nextStarting(at('2026-11-24T17:30:00+01:00'));
    expect(next?.association.id).to.equal('unafam');
    expect(next?.date).to.equal('2026-11-26');
  });

  it("skips a closure and an association's cancelled day when looking ahead", () => {
    const next = schedule.upcoming(at('2026-11-30T18:00:00+01:00'), { associationId: 'argos', limit: 1 })[0];
    expect(next?.date).to.equal('2026-12-08');
  });

  it('keeps wall-clock hours across the DST change (last Sunday of March 2027)', () => {
    // Tuesday 23 March 2027 is UTC+1; Tuesday 30 March 2027 is UTC+2. 14:00 local both times.
    const before = schedule.slotsOn('2027-03-23').find((s) => s.association.id === 'argos')!;
    const after = schedule.slotsOn('2027-03-30').find((s) => s.association.id === 'argos')!;
    expect(before.start.toISOString()).to.equal('2027-03-23T13:00:00.000Z');
    expect(after.start.toISOString()).to.equal('2027-03-30T12:00:00.000Z');
  });

  it('converts wall-clock times on the DST night itself', () => {
    expect(fromLocal('2027-03-28', '12:00', 'Europe/Paris').toISOString()).to.equal('2027-03-28T10:00:00.000Z');
    expect(fromLocal('2026-10-25', '12:00', 'Europe/Paris').toISOString()).to.equal('2026-10-25T11:00:00.000Z');
    expect(toLocal(new Date('2026-10-25T00:30:00Z'), 'Europe/Paris')).to.deep.include({ date: '2026-10-25', weekday: 'sun', minutes: 150 });
  });

  it('knows when the MDU itself is open', () => {
    expect(schedule.isMduOpen(at('2026-11-24T09:00:00+01:00'))).to.equal(true);
    expect(schedule.isMduOpen(at('2026-11-24T08:59:00+01:00'))).to.equal(false);
    expect(schedule.isMduOpen(at('2026-12-25T10:00:00+01:00'))).to.equal(false);
  });

  it('finds associations named by visitors, whatever the accents and case', () => {
    expect(schedule.findAssociations("quand passe l'asso Bipolaire ?").map((a) => a.id)).to.deep.equal(['argos']);
    expect(schedule.findAssociations('when does the OCD association come').map((a) => a.id)).to.deep.equal(['toc']);
    expect(schedule.findAssociations('unafam')).to.have.length(1);
    expect(schedule.findAssociations('bonjour')).to.have.length(0);
  });

  describe('refuses a broken schedule file, naming the field', () => {
    const broken: { label: string; change: (d: typeof base) => unknown; field: RegExp }[] = [
      { label: 'a time that is not HH:MM', change: (d) => ({ ...d, permanences: [{ association: 'argos', days: ['tue'], from: '2pm', to: '17:00' }] }), field: /permanences\.0\.from/ },
      { label: 'an unknown association', change: (d) => ({ ...d, permanences: [{ association: 'nobody', days: ['tue'], from: '14:00', to: '15:00' }] }), field: /permanences\.0\.association/ },
      { label: 'an unknown weekday', change: (d) => ({ ...d, opening: [{ days: ['mardi'], from: '09:00', to: '17:00' }] }), field: /opening\.0\.days\.0/ },
      { label: 'an end before the start', change: (d) => ({ ...d, opening: [{ days: ['tue'], from: '17:00', to: '09:00' }] }), field: /opening\.0\.to/ },
      { label: 'a date that does not exist', change: (d) => ({ ...d, exceptions: [{ date: '2026-02-30', closed: true }] }), field: /exceptions\.0\.date/ },
      { label: 'a missing example flag', change: (d) => ({ ...d, example: undefined }), field: /example/ },
    ];
    for (const b of broken) {
      it(b.label, () => {
        expect(() => PermanenceSchedule.fromData(b.change(base), 'knowledge/schedule.yaml'))
          .to.throw(/knowledge\/schedule\.yaml/)
          .with.property('message')
          .that.matches(b.field);
      });
    }
  });
});

describe('ScheduleTexts', () => {
  const now = at('2026-11-24T15:00:00+01:00');

  it('says who is there now and until when, in French and English', () => {
    const texts = new ScheduleTexts(schedule, { showExample: true });
    expect(texts.today(now, 'fr')).to.include('Argos 2001').and.include("jusqu'à 17 h");
    expect(texts.today(now, 'en')).to.include('Argos 2001').and.include('until 17:00');
  });

  it('says plainly when nobody is there and when the next permanence is', () => {
    const texts = new ScheduleTexts(schedule, { showExample: true });
    const text = texts.today(at('2026-11-28T15:00:00+01:00'), 'fr');
    expect(text).to.include("Aucune association n'est présente");
    expect(text).to.include('Prochaine permanence').and.include('mardi 1 décembre').and.include('UNAFAM');
  });

  it('answers for a named association with its next dates', () => {
    const texts = new ScheduleTexts(schedule, { showExample: true });
    const text = texts.forAssociation(schedule.association('argos'), now, 'fr');
    expect(text).to.include('le mardi de 14 h à 17 h').and.match(/Aujourd'hui, de 14 h à 17 h/);
  });

  it('marks example data as an example', () => {
    const example = PermanenceSchedule.fromData({ ...base, example: true });
    expect(new ScheduleTexts(example, { showExample: true }).hours('fr')).to.match(/exemple/i);
  });

  it('never presents example data as real when it may not be shown (production)', () => {
    const example = PermanenceSchedule.fromData({ ...base, example: true });
    const texts = new ScheduleTexts(example, { showExample: false });
    for (const text of [texts.today(now, 'fr'), texts.permanences('en'), texts.hours('fr'), texts.associations('fr')]) {
      expect(text).to.not.include('Argos');
      expect(text).to.match(/pas encore publié|not published/);
    }
    expect(texts.nextPermanenceSentence(now, 'fr')).to.equal(undefined);
  });
});
