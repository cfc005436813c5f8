/**
 * Variables of this process's environment set for one test and put back after it: the compiled fake vendor libraries
 * (test/fixtures/nvml, test/fixtures/dcmi) read their settings from the environment at each call.
 */
export class ScopedEnv {
  private readonly saved = new Map<string, string | undefined>();

  /** Sets `vars`, remembering what each was before its first change. */
  set(vars: Record<string, string>): void {
    for (const [k, v] of Object.entries(vars)) {
      if (!this.saved.has(k)) this.saved.set(k, process.env[k]);
      process.env[k] = v;
    }
  }

  /** Puts every variable set since the last restore back as it was (absent ones removed). */
  restore(): void {
    for (const [k, v] of this.saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    this.saved.clear();
  }
}
