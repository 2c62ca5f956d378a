/** Resolves at the first SIGINT or SIGTERM: how long-running commands (serve, controller) learn to stop. */
export function untilSignalled(): Promise<void> {
  return new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
