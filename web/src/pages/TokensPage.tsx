// Service tokens (master only, spec §9): the API stores only their SHA-256, so the plaintext
// of a new token is shown here once and is gone when the notice is dismissed or the page left.
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { api, ApiError, enc, errorText, formatTime, type FieldErrors, type Role, type Token } from "../api";
import { ErrorBanner, Field, OtherFieldErrors } from "../components";
import { useSession } from "../session";

export function TokensPage() {
  const { isMaster } = useSession();
  const [tokens, setTokens] = useState<Token[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [errors, setErrors] = useState<FieldErrors>({});

  const load = useCallback(() => {
    api<Token[]>("GET", "tokens")
      .then(setTokens)
      .catch((e) => setError(errorText(e)));
  }, []);
  useEffect(() => {
    if (isMaster) load();
  }, [isMaster, load]);

  if (!isMaster) {
    return (
      <section>
        <h1>Service tokens</h1>
        <p>Token management needs the master token: sign out and sign in with MASTER_API_TOKEN.</p>
      </section>
    );
  }

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setError(null);
    try {
      const t = await api<Token & { token: string }>("POST", "tokens", { name, role });
      setCreated({ name: t.name, token: t.token });
      setName("");
      load();
    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.fields).length > 0) setErrors(err.fields);
      else setError(errorText(err));
    }
  };

  const revoke = async (t: Token) => {
    if (!window.confirm(`Revoke token ${t.name}? Clients using it fail at once.`)) return;
    try {
      await api("DELETE", `tokens/${enc(t.id)}`);
      load();
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <section>
      <h1>Service tokens</h1>
      <ErrorBanner error={error} />
      {created && (
        <div className="banner ok" role="status" data-testid="new-token">
          <p>
            Token <strong>{created.name}</strong> created. Copy it now: it is shown only once.
          </p>
          <code className="secret" data-testid="token-plaintext">
            {created.token}
          </code>
          <div className="actions">
            <button onClick={() => void navigator.clipboard?.writeText(created.token)}>Copy</button>
            <button className="secondary" onClick={() => setCreated(null)}>
              I have copied it
            </button>
          </div>
        </div>
      )}
      <form className="card" onSubmit={create} aria-label="New token" noValidate>
        <h2>New token</h2>
        <OtherFieldErrors errors={errors} shown={(k) => k === "name" || k === "role"} />
        <div className="row">
          <Field name="name" label="Name" errors={errors}>
            <input value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field name="role" label="Role" errors={errors}>
            <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
              <option value="viewer">viewer</option>
              <option value="admin">admin</option>
            </select>
          </Field>
          <button type="submit">Create token</button>
        </div>
      </form>
      {tokens !== null && tokens.length === 0 && <p>No service token.</p>}
      {tokens !== null && tokens.length > 0 && (
        <table data-testid="token-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>ID</th>
              <th>Ends with</th>
              <th>Role</th>
              <th>Created</th>
              <th>By</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td>
                  <code>{t.id}</code>
                </td>
                <td>…{t.suffix}</td>
                <td>{t.role}</td>
                <td>{formatTime(t.created_at)}</td>
                <td>{t.created_by}</td>
                <td>
                  <button className="danger" onClick={() => void revoke(t)}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
