declare const GITSEAL_VERSION: string | undefined;
/** Set by the bundler from package.json; "dev" when run from source. */
export const VERSION: string = typeof GITSEAL_VERSION === 'string' ? GITSEAL_VERSION : 'dev';
