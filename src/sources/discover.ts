import { sourceContext, type DiscoverOptions } from './context.js';
import { PROVIDERS, type Provider, type ProviderFacts } from './providers.js';
import type { Probe, SourceContext } from './types.js';

export { sourceContext, type DiscoverOptions } from './context.js';
export { isMeasuredEnergy } from './measured.js';

/**
 * Runs providers: each starts as soon as the providers it follows are done (those that follow none at once, together),
 * and their probes come back in list order, whatever order they finish in.
 */
export async function runProviders(providers: readonly Provider[], ctx: SourceContext, options: DiscoverOptions): Promise<Probe[]> {
  const follows = providerOrder(providers);
  const running = new Map<string, Promise<Probe[]>>();
  for (const provider of providers) {
    const ids = follows.get(provider.id) as string[];
    const run = Promise.all(ids.map((id) => running.get(id) as Promise<Probe[]>)).then((found) => {
      const byId = new Map(ids.map((id, i) => [id, found[i] as Probe[]]));
      const facts: ProviderFacts = {
        options,
        probesOf(id) {
          const probes = byId.get(id);
          if (!probes) throw new Error(`source provider ${JSON.stringify(provider.id)} reads ${JSON.stringify(id)} without following it`);
          return probes;
        },
        earlier: () => found.flat(),
      };
      return provider.probe(ctx, facts);
    });
    running.set(provider.id, run);
  }
  return (await Promise.all(running.values())).flat();
}

/**
 * Checks a provider list before anything runs (ids unique, each `after` naming an earlier provider) and returns what
 * each provider follows, `'all'` spelled out; a mistake in the list is a programming error and throws.
 */
export function providerOrder(providers: readonly Provider[]): Map<string, string[]> {
  const follows = new Map<string, string[]>();
  for (const provider of providers) {
    if (follows.has(provider.id)) throw new Error(`two source providers are named ${JSON.stringify(provider.id)}`);
    const ids = provider.after === 'all' ? [...follows.keys()] : [...(provider.after ?? [])];
    const missing = ids.find((id) => !follows.has(id));
    if (missing !== undefined) throw new Error(`source provider ${JSON.stringify(provider.id)} follows ${JSON.stringify(missing)}, which is not before it in the list`);
    follows.set(provider.id, ids);
  }
  return follows;
}

/** Probes every interface once and returns all of them, usable or not, each with its state, reason and fix. */
export function discoverSources(options: DiscoverOptions = {}): Promise<Probe[]> {
  return runProviders(PROVIDERS, sourceContext(options), options);
}
