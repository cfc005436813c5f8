/** A small, lenient reader of XML property lists (the `-f plist` output of macOS tools such as powermetrics). */

/** A value of a property list: dictionaries and arrays nest; `date` and `data` are kept as their text. */
export type PlistValue = string | number | boolean | PlistValue[] | PlistDict;

/** A property-list dictionary (created without a prototype, so keys such as `__proto__` are plain keys). */
export interface PlistDict {
  [key: string]: PlistValue;
}

interface Tag {
  name: string;
  kind: 'open' | 'close' | 'empty';
  /** The text between this tag and the next one. */
  text: string;
}

/** Documents larger than this are refused: one powermetrics sample is tens of kilobytes. */
const MAX_CHARS = 8 << 20;
/** Nesting deeper than this is garbage, not a plist (and must not overflow the stack). */
const MAX_DEPTH = 64;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isInteger(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/** Splits the document into tags in one pass (indexOf only, so garbage full of `<` cannot make it quadratic). */
function tokenize(xml: string): Tag[] {
  const tags: Tag[] = [];
  let at = xml.indexOf('<');
  while (at !== -1) {
    const closer = xml.startsWith('<!--', at) ? '-->' : xml.startsWith('<?', at) ? '?>' : '>';
    const end = xml.indexOf(closer, at + 1);
    if (end === -1) break;
    const body = xml.slice(at + 1, end + closer.length - 1).trim();
    const after = end + closer.length;
    const next = xml.indexOf('<', after);
    at = next;
    if (body.startsWith('!') || body.startsWith('?')) continue;
    const closing = body.startsWith('/');
    const name = /^\/?\s*([A-Za-z_][\w.-]*)/.exec(body)?.[1];
    if (!name) continue;
    const empty = !closing && body.endsWith('/');
    tags.push({ name, kind: closing ? 'close' : empty ? 'empty' : 'open', text: xml.slice(after, next === -1 ? xml.length : next) });
  }
  return tags;
}

/** Parses one element starting at `tags[i]`; returns its value (undefined when unusable) and the index after it. */
function element(tags: Tag[], i: number, depth: number): { value: PlistValue | undefined; next: number } {
  const tag = tags[i];
  if (!tag || depth > MAX_DEPTH) return { value: undefined, next: tags.length };
  if (tag.kind === 'close') return { value: undefined, next: i + 1 };
  if (tag.kind === 'empty') {
    const empty = { true: true, false: false, string: '', dict: Object.create(null) as PlistDict, array: [] as PlistValue[] };
    // Own keys only: `<constructor/>` or `<__proto__/>` must not yield Object or its prototype.
    const value = Object.hasOwn(empty, tag.name) ? empty[tag.name as keyof typeof empty] : undefined;
    return { value, next: i + 1 };
  }
  switch (tag.name) {
    case 'plist': {
      const inner = element(tags, i + 1, depth + 1);
      return { value: inner.value, next: skipClose(tags, inner.next, 'plist') };
    }
    case 'dict':
      return dict(tags, i + 1, depth);
    case 'array':
      return array(tags, i + 1, depth);
    case 'string':
    case 'date':
    case 'data':
      return { value: decode(tag.text), next: skipClose(tags, i + 1, tag.name) };
    case 'integer':
    case 'real': {
      const text = tag.text.trim();
      const n = Number(text);
      // An empty or non-numeric cell is dropped rather than turned into 0 or NaN.
      return { value: text !== '' && Number.isFinite(n) ? n : undefined, next: skipClose(tags, i + 1, tag.name) };
    }
    default:
      return { value: undefined, next: skipElement(tags, i) };
  }
}

function dict(tags: Tag[], i: number, depth: number): { value: PlistDict; next: number } {
  const out = Object.create(null) as PlistDict;
  let at = i;
  while (at < tags.length) {
    const tag = tags[at] as Tag;
    if (tag.kind === 'close' && tag.name === 'dict') return { value: out, next: at + 1 };
    if (tag.kind === 'open' && tag.name === 'key') {
      const key = decode(tag.text).trim();
      const inner = element(tags, skipClose(tags, at + 1, 'key'), depth + 1);
      if (inner.value !== undefined) out[key] = inner.value;
      at = inner.next;
      continue;
    }
    // A stray value without a key (or an unknown tag) is skipped, as a lenient reader should.
    at = element(tags, at, depth + 1).next;
  }
  return { value: out, next: at };
}

function array(tags: Tag[], i: number, depth: number): { value: PlistValue[]; next: number } {
  const out: PlistValue[] = [];
  let at = i;
  while (at < tags.length) {
    const tag = tags[at] as Tag;
    if (tag.kind === 'close' && tag.name === 'array') return { value: out, next: at + 1 };
    const inner = element(tags, at, depth + 1);
    if (inner.value !== undefined) out.push(inner.value);
    at = inner.next;
  }
  return { value: out, next: at };
}

function skipClose(tags: Tag[], i: number, name: string): number {
  const tag = tags[i];
  return tag && tag.kind === 'close' && tag.name === name ? i + 1 : i;
}

function skipElement(tags: Tag[], i: number): number {
  const name = tags[i]?.name;
  let depth = 0;
  for (let at = i; at < tags.length; at += 1) {
    const tag = tags[at] as Tag;
    if (tag.name !== name || tag.kind === 'empty') continue;
    depth += tag.kind === 'open' ? 1 : -1;
    if (depth === 0) return at + 1;
  }
  return tags.length;
}

/** Parses an XML property list leniently and returns its root value, or null for text that holds no plist value. */
export function parsePlist(xml: string): PlistValue | null {
  if (typeof xml !== 'string' || xml.length > MAX_CHARS) return null;
  const tags = tokenize(xml);
  if (tags.length === 0) return null;
  // Leading junk (a warning line, a stray tag) before the document is skipped.
  const first = tags.findIndex((t) => t.kind !== 'close' && (t.name === 'plist' || t.name === 'dict'));
  const root = element(tags, first === -1 ? 0 : first, 0).value;
  return root === undefined ? null : root;
}

/** Returns `value` when it is a dictionary, else null. */
export function plistDict(value: PlistValue | undefined | null): PlistDict | null {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value) ? value : null;
}
