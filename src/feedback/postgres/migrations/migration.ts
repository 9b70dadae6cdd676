/** One versioned schema change of the PostgreSQL store, applied once in its own transaction. */
export interface Migration {
  /** 1, 2, 3, … without gaps; the schema's version after this migration. */
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}
