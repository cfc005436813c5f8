import { describe, expect, it } from 'vitest';
import * as stats from '../../src/stats/index.js';

describe('stats index', () => {
  it('re-exports every module, prng included', () => {
    for (const name of [
      'mean',
      'median',
      'quantile',
      'variance',
      'stddev',
      'coefficientOfVariation',
      'minMax',
      'summarize',
      'meanConfidenceInterval',
      'medianConfidenceInterval',
      'bootstrapCi',
      'bootstrapRatioOfMedians',
      'mannWhitneyU',
      'exactUDistribution',
      'compareSamples',
      'minDetectableChangePct',
      'geometricMean',
      'studentTQuantile',
      'studentTCdf',
      'normalCdf',
      'normalQuantile',
      'mulberry32',
      'mulberry32Uint',
    ]) {
      expect(typeof (stats as Record<string, unknown>)[name], name).toBe('function');
    }
  });

  it('keeps the prng deterministic through the index', () => {
    const first = stats.mulberry32(123);
    const second = stats.mulberry32(123);
    expect([first(), first(), first()]).toEqual([second(), second(), second()]);
  });
});
