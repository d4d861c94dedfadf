// First run: no user and no token exists, so the API lets anyone create the first admin
// (spec §9 bootstrap). After creating it we sign in with the same credentials.
import { useState, type FormEvent } from "react";
import { api, ApiError, errorText, type FieldErrors } from "../api";
import { Field, OtherFieldErrors } from "../components";

export function BootstrapPage(props: { onDone: () => void; onUseToken: () => void }) {
  const [username, setUsername] = useState("admin");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setError(null);
    if (password !== confirm) {
      setErrors({ confirm: ["The passwords differ."] });
      return;
    }
    setBusy(true);
    try {
      await api("POST", "users", { username, password, role: "admin" });
      await api("POST", "auth/login", { username, password });
      props.onDone();
    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.fields).length > 0) setErrors(err.fields);
      else setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="center">
      <form className="card narrow" onSubmit={submit} aria-label="Create the first administrator">
        <h1>Cirrus CDN</h1>
        <h2>Create the first administrator</h2>
        <p>No user exists yet. The account you create here is an admin; the API requires sign-in from then on.</p>
        {error && (
          <div className="banner error" role="alert">
            {error}
          </div>
        )}
        <OtherFieldErrors errors={errors} shown={(k) => ["username", "password", "confirm"].includes(k)} />
        <Field name="username" label="Username" errors={errors}>
          <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" required />
        </Field>
        <Field name="password" label="Password" errors={errors} hint="At least 8 characters.">
          <input
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="new-password"
            required
          />
        </Field>
        <Field name="confirm" label="Confirm password" errors={errors}>
          <input
            type="password"
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
            autoComplete="new-password"
            required
          />
        </Field>
        <button type="submit" disabled={busy}>
          Create admin and sign in
        </button>
        <button type="button" className="link" onClick={props.onUseToken}>
          Sign in with an API token
        </button>
      </form>
    </div>
  );
}
