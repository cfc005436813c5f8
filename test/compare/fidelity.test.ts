import { describe, expect, it } from 'vitest';
import { fidelityNote, machineFidelityNote } from '../../src/compare/fidelity.js';
import type { GroupSamples } from '../../src/results/read.js';

const at = { file: 'a.csv', line: 2 };
const group = (machine: string, fidelities: GroupSamples['fidelities']): GroupSamples => ({ machine, benchmark: 'sha256', threads: 4, fidelities }) as GroupSamples;

describe('fidelity notes of compare and check', () => {
  it('notes a pair whose fidelity differs, a side that mixes fidelities, and nothing for equal or unknown sides', () => {
    expect(fidelityNote(group('a', { counter: at }), group('b', { averaged: at }))).toMatch(/^sha256 x4: energy fidelity differs: baseline counter, current averaged \(/);
    expect(fidelityNote(group('a', { counter: at, instant: at }), group('b', { counter: at }))).toMatch(/baseline instant\+counter, current counter/);
    expect(fidelityNote(group('a', { counter: at }), group('b', { counter: at }))).toBeNull();
    expect(fidelityNote(group('a', {}), group('b', { averaged: at }))).toBeNull();
  });

  it('names each machine by its weakest fidelity when machines differ', () => {
    expect(machineFidelityNote([group('a', { counter: at }), group('b', { instant: at, counter: at }), group('c', {})])).toMatch(
      /^energy fidelity differs between machines \(weakest per machine: a counter, b instant;/,
    );
    expect(machineFidelityNote([group('a', { counter: at }), group('b', { counter: at })])).toBeNull();
  });
});
