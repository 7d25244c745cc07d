import pkg from '../../package.json' with { type: 'json' };

/** Arca's own version, as published in package.json. */
export const ARCA_VERSION: string = pkg.version;
