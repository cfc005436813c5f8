import { join } from 'node:path';
import type { SourceContext } from '../types.js';

/** Whether the machine runs on battery: true when it has mains supplies and none is online, null when it cannot tell. */
export async function readOnBattery(ctx: SourceContext): Promise<boolean | null> {
  const root = join(ctx.sysfs, 'class', 'power_supply');
  let entries: string[];
  try {
    entries = await ctx.files.list(root);
  } catch {
    return null;
  }
  let mains = 0;
  let online = 0;
  for (const e of entries) {
    const type = await ctx.files.readText(join(root, e, 'type')).then((t) => t.trim(), () => '');
    if (type !== 'Mains') continue;
    mains += 1;
    const on = await ctx.files.readText(join(root, e, 'online')).then((t) => t.trim(), () => '');
    if (on === '1') online += 1;
  }
  return mains === 0 ? null : online === 0;
}
