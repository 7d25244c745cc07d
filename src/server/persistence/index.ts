export { ConflictError, isConflictError } from './conflict-error.ts';
export {
  DEFAULT_LIST_LIMIT,
  FILTER_OPERATORS,
  MAX_LIST_LIMIT,
  ORDER_DIRECTIONS,
  type Filter,
  type FilterOperator,
  type IndexValues,
  type LeasedJob,
  type ListQuery,
  type MetadataOperations,
  type MetadataStore,
  type NewJob,
  type NewRecord,
  type OrderDirection,
  type Page,
  type StoredRecord,
  type WriteOptions,
} from './metadata-store.ts';
export { SqliteMetadataStore, type SqliteOptions } from './sqlite-metadata-store.ts';
export { MIGRATIONS, SchemaTooNewError, type Migration } from './sqlite-migrations.ts';
