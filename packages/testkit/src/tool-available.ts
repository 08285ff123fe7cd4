import { readdirSync } from 'node:fs';

/** Whether a program (SIPp, sipsak, baresip...) is on the PATH. */
export function toolAvailable(program: string): boolean {
  return (process.env.PATH ?? '').split(':').some((d) => {
    try {
      return readdirSync(d).includes(program);
    } catch {
      return false;
    }
  });
}
