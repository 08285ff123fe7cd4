/**
 * The `skip` option of a suite that needs an external tool (SIPp, sipsak,
 * baresip): a developer without the tool sees why the suite did not run, but
 * under CI (CI=true, where `.ci/run` installs every tool) it is never skipped,
 * so a missing tool fails loudly instead of proving nothing.
 */
export function skipUnless(available: boolean, reason: string): false | string {
  if (available || process.env.CI !== undefined) return false;
  return reason;
}
