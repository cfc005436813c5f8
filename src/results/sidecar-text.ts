/**
 * The text layout of a JSON sidecar: the run's metadata indented for people, then `"windows"` last, one window per
 * line. It is plain JSON (any JSON tool reads it), a third of the size of indenting the windows too, and it lets the
 * report read a sidecar of a hundred thousand windows line by line (`report/sidecar-lines.ts`) instead of at once.
 */

/** What starts the windows of a sidecar in this layout: the key at the top level, the array opened, a line break. */
export const WINDOWS_START = '\n  "windows": [\n';

/** Writes a sidecar document (whose last key should be `windows`) in the sidecar layout, ending with a line break. */
export function sidecarText(doc: object): string {
  const { windows, ...head } = doc as Record<string, unknown>;
  if (!Array.isArray(windows) || windows.length === 0) return `${JSON.stringify(doc, null, 2)}\n`;
  const headText = JSON.stringify(head, null, 2);
  // `{}` has no members to follow: the windows are then the first key.
  const open = headText === '{}' ? '{' : `${headText.slice(0, -2)},`;
  return `${open}${WINDOWS_START}${windows.map((w) => JSON.stringify(w)).join(',\n')}\n  ]\n}\n`;
}
