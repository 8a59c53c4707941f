/**
 * A progress callback that redraws one line on stderr, at most ten times a second, and only
 * when stderr is a terminal (logs and CI stay clean).
 */
export function progressLine(): (phase: string, done: number, total: number) => void {
  if (!process.stderr.isTTY) return () => {};
  let last = 0;
  return (phase, done, total) => {
    const now = Date.now();
    if (done < total && now - last < 100) return;
    last = now;
    process.stderr.write(`\r${phase}: ${done}/${total}${done >= total ? "\n" : ""}`);
  };
}
