/**
 * The bar for acting on a request for a person (`UNDERSTANDING.handoff`), on a model whose
 * probabilities the test sets: a request that leads every other class is acted on from 0.35, other
 * intents still need `UNDERSTANDING.intent`. The fake model and index stand only for the numbers; the
 * real model's behaviour is measured on the blind rounds (tests/eval/ROUNDS.md).
 */
import { expect } from 'chai';
import { Understanding, UNDERSTANDING } from '../../knowledge/understand/Understanding.js';
import { INTENT_CLASSES, OUT_OF_SCOPE } from '../../knowledge/understand/UnderstandingExamples.js';
import type { SoftmaxModel } from '../../learn/SoftmaxModel.js';
import type { KnowledgeIndex } from '../../knowledge/search/KnowledgeIndex.js';

const classes = ['mdu.hours', 'mdu.location', ...INTENT_CLASSES, OUT_OF_SCOPE];

function understandingWith(probabilities: Record<string, number>): Understanding {
  const model = {
    classes,
    requireClasses: () => undefined,
    predict: () => Float64Array.from(classes, (c) => probabilities[c] ?? 0),
  } as unknown as SoftmaxModel;
  const index = { search: () => ({ locale: 'fr', hits: [] }) } as unknown as Pick<KnowledgeIndex, 'search'>;
  return new Understanding(index, model, ['mdu.hours', 'mdu.location']);
}

describe('understanding: the bar for a request for a person', () => {
  it('acts on a request for a person that leads the other classes under the bar of other intents', () => {
    expect(UNDERSTANDING.handoff).to.be.below(UNDERSTANDING.intent);
    const got = understandingWith({ handoff_request: 0.4, 'mdu.hours': 0.3, out_of_scope: 0.2, greeting: 0.1 }).search('une personne svp');
    expect(got.intent).to.equal('handoff_request');
  });

  it('does not act on it under its own bar, nor on another intent under the usual bar', () => {
    expect(understandingWith({ handoff_request: 0.3, 'mdu.hours': 0.25, 'mdu.location': 0.25, out_of_scope: 0.2 }).search('une personne svp').intent).to.equal(undefined);
    expect(understandingWith({ erase_data: 0.4, 'mdu.hours': 0.3, out_of_scope: 0.3 }).search('effacez tout').intent).to.equal(undefined);
  });
});
