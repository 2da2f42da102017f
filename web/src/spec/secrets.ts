// What counts as a secret (the server's IsSecretKey): any key containing "password",
// "secret", "token" or "sasl.jaas.config", in any case. Such values are masked wherever
// the UI shows them and typed into password fields.

export const MASK = '******';

const SECRET_WORDS = ['password', 'secret', 'token', 'sasl.jaas.config'];

export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase();
  return SECRET_WORDS.some((w) => k.includes(w));
}

export function maskValue(key: string, value: string): string {
  return isSecretKey(key) && value !== '' ? MASK : value;
}

// In SQL, the values of options like 'password' = '...' (quotes doubled inside).
const SQL_SECRET_OPTION = /('(?:[^']|'')*'\s*=\s*)'((?:[^']|'')*)'/g;

export function maskSqlSecrets(sql: string): string {
  return sql.replace(SQL_SECRET_OPTION, (whole, lhs: string, value: string) => {
    const key = lhs.slice(1, lhs.lastIndexOf("'"));
    return isSecretKey(key) && value !== '' ? `${lhs}'${MASK}'` : whole;
  });
}
