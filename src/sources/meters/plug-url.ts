/** A smart plug's `--meter TYPE=TARGET` target: one base URL, checked the same way for every plug type. */

/**
 * Normalizes a plug's base URL: http:// is assumed, credentials, queries and fragments are refused; `envPrefix` names
 * the variables (`WATTBENCH_SHELLY`) that carry the credentials instead. Errors are one line without the `--meter` prefix.
 */
export function parsePlugUrl(type: string, target: string, envPrefix: string): { url: string } | { error: string } {
  if (target === '') return { error: `no address given (e.g. ${type}=http://192.168.1.20)` };
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(target) ? target : `http://${target}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    return { error: `not a URL or host name (e.g. ${type}=http://192.168.1.20)` };
  }
  if (u.username || u.password) return { error: `credentials do not belong in the URL; set ${envPrefix}_USER and ${envPrefix}_PASSWORD instead` };
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { error: `only http:// and https:// are supported, got ${u.protocol}` };
  if (u.hostname === '') return { error: 'the URL has no host' };
  if (u.search || u.hash) return { error: "give the device's base URL without a query (wattbench adds the API path itself)" };
  return { url: `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}` };
}
