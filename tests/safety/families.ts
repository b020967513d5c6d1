/**
 * Figures by crisis family (blind rounds from round 7 on label each line: suicide, self_harm,
 * overdose_taken, violence_to_others, violence_suffered, child_or_elder_in_danger,
 * psychosis_with_danger) and false alarms per 1,000 ordinary messages. Counts only, never text.
 */
import type { SafetyScreen } from '../../safety/SafetyScreen.js';
import type { CorpusLine } from './corpus.js';

export const CRISIS_FAMILIES = [
  'suicide',
  'self_harm',
  'overdose_taken',
  'violence_to_others',
  'violence_suffered',
  'child_or_elder_in_danger',
  'psychosis_with_danger',
] as const;

export interface FamilyFigures {
  /** Family -> crisis lines caught (as crisis) / total; lines without a family under "(no family)". */
  crisisByFamily: Map<string, { caught: number; total: number }>;
  explicit: { caught: number; total: number };
  ordinary: number;
  crisisAlarms: number;
  medicalAlarms: number;
  perThousand: { crisis: number; medical: number };
}

export function familyFigures(screen: SafetyScreen, lines: readonly CorpusLine[]): FamilyFigures {
  const byFamily = new Map<string, { caught: number; total: number }>(CRISIS_FAMILIES.map((f) => [f, { caught: 0, total: 0 }]));
  const f: FamilyFigures = { crisisByFamily: byFamily, explicit: { caught: 0, total: 0 }, ordinary: 0, crisisAlarms: 0, medicalAlarms: 0, perThousand: { crisis: 0, medical: 0 } };
  for (const line of lines) {
    const kind = screen.assess(line.text).kind;
    if (line.expect === 'crisis') {
      const family = line.family ?? '(no family)';
      const c = byFamily.get(family) ?? { caught: 0, total: 0 };
      byFamily.set(family, c);
      c.total++;
      if (kind === 'crisis') c.caught++;
      if (line.explicit) {
        f.explicit.total++;
        if (kind === 'crisis') f.explicit.caught++;
      }
    } else if (line.expect === 'none' || line.expect === 'help_info') {
      f.ordinary++;
      if (kind === 'crisis') f.crisisAlarms++;
      if (kind === 'medical') f.medicalAlarms++;
    }
  }
  for (const [family, c] of byFamily) if (c.total === 0) byFamily.delete(family);
  f.perThousand = { crisis: f.ordinary ? (1000 * f.crisisAlarms) / f.ordinary : 0, medical: f.ordinary ? (1000 * f.medicalAlarms) / f.ordinary : 0 };
  return f;
}
