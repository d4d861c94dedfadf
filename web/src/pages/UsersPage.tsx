// Users: everyone may list them; admins create users, change a role or password (PATCH; a
// password change ends the user's sessions) and delete them.
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { api, ApiError, enc, errorText, formatTime, type FieldErrors, type Role, type User } from "../api";
import { ErrorBanner, Field, Notice, OtherFieldErrors } from "../components";
import { useSession } from "../session";

export function UsersPage() {
  const { isAdmin, me } = useSession();
  const [users, setUsers] = useState<User[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [passwordFor, setPasswordFor] = useState<string | null>(null);

  const load = useCallback(() => {
    api<User[]>("GET", "users")
      .then((u) => setUsers([...u].sort((a, b) => a.username.localeCompare(b.username))))
      .catch((e) => setError(errorText(e)));
  }, []);
  useEffect(load, [load]);

  const patch = async (u: User, body: { role?: Role; password?: string }) => {
    setError(null);
    setNotice(null);
    try {
      await api("PATCH", `users/${enc(u.username)}`, body);
      setNotice(body.password ? `Password of ${u.username} changed; their sessions ended.` : `${u.username} is now ${body.role}.`);
      load();
      return null;
    } catch (e) {
      if (e instanceof ApiError && Object.keys(e.fields).length > 0) return e.fields;
      setError(errorText(e));
      return null;
    }
  };

  const remove = async (u: User) => {
    if (!window.confirm(`Delete user ${u.username}?`)) return;
    try {
      await api("DELETE", `users/${enc(u.username)}`);
      load();
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <section>
      <h1>Users</h1>
      <ErrorBanner error={error} />
      <Notice text={notice} />
      {isAdmin && <NewUserForm onCreated={load} />}
      {users !== null && (
        <table data-testid="user-table">
          <thead>
            <tr>
              <th>Username</th>
              <th>Role</th>
              <th>Created</th>
              {isAdmin && <th>Actions</th>}
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.username}>
                <td>
                  {u.username}
                  {u.username === me.username && me.method === "session" ? " (you)" : ""}
                </td>
                <td>
                  {isAdmin ? (
                    <select
                      aria-label={`Role of ${u.username}`}
                      value={u.role}
                      onChange={(e) => void patch(u, { role: e.target.value as Role })}
                    >
                      <option value="admin">admin</option>
                      <option value="viewer">viewer</option>
                    </select>
                  ) : (
                    u.role
                  )}
                </td>
                <td>{formatTime(u.created_at)}</td>
                {isAdmin && (
                  <td className="actions">
                    {passwordFor === u.username ? (
                      <PasswordForm
                        onSubmit={(password) => patch(u, { password })}
                        onClose={() => setPasswordFor(null)}
                      />
                    ) : (
                      <button className="secondary" onClick={() => setPasswordFor(u.username)}>
                        Change password
                      </button>
                    )}
                    <button className="danger" onClick={() => void remove(u)}>
                      Delete
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function PasswordForm(props: { onSubmit: (password: string) => Promise<FieldErrors | null>; onClose: () => void }) {
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs = await props.onSubmit(password);
    if (errs) setErrors(errs);
    else props.onClose();
  };
  return (
    <form onSubmit={submit} className="inline-form" aria-label="Change password">
      <Field name="password" label="New password" errors={errors}>
        <input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
      </Field>
      <button type="submit">Set</button>
      <button type="button" className="secondary" onClick={props.onClose}>
        Cancel
      </button>
    </form>
  );
}

function NewUserForm(props: { onCreated: () => void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setError(null);
    try {
      await api("POST", "users", { username, password, role });
      setUsername("");
      setPassword("");
      props.onCreated();
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) setErrors({ username: ["This user already exists."] });
      else if (err instanceof ApiError && Object.keys(err.fields).length > 0) setErrors(err.fields);
      else setError(errorText(err));
    }
  };

  return (
    <form className="card" onSubmit={submit} aria-label="New user" noValidate>
      <h2>New user</h2>
      <ErrorBanner error={error} />
      <OtherFieldErrors errors={errors} shown={(k) => ["username", "password", "role"].includes(k)} />
      <div className="row">
        <Field name="username" label="Username" errors={errors}>
          <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" />
        </Field>
        <Field name="password" label="Password" errors={errors}>
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
        </Field>
        <Field name="role" label="Role" errors={errors}>
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option value="viewer">viewer</option>
            <option value="admin">admin</option>
          </select>
        </Field>
        <button type="submit">Create user</button>
      </div>
    </form>
  );
}
