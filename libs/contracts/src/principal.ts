/** Who is calling, whatever credential they used. Every query is scoped by `accountId`. */
export interface Principal {
  userId: string;
  accountId: string;
  roles: string[];
  scopes: string[];
}
