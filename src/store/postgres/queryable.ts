/** What runs a statement: the store's pool, or one transaction's client. */
export interface Queryable {
  query<R>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}
