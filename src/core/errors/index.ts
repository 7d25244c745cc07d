export { ArcaError, invalidArgument, isArcaError } from './arca-error.ts';
export { CATALOG, entryFor, findEntry, type CatalogCode } from './catalog/index.ts';
export { LANGUAGES, PHASES, type CatalogEntry, type Language, type LocalizedText, type Phase } from './catalog-entry.ts';
export { docFiles, docIndex, docPage } from './doc-page.ts';
export { pickLanguage, placeholdersOf, renderEntry, type ErrorParams, type RenderedError } from './render.ts';
