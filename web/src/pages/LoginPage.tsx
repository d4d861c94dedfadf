// Sign in with username/password (cookie session), or with an API token (service or master
// token, kept for this browser tab only). Every failed login shows one generic message, as the
// API answers one generic 401 (spec §9).
import { useState, type FormEvent } from "react";
import { api, ApiError, errorText, setBearer } from "../api";

export const GENERIC_LOGIN_FAILURE = "Invalid username or password.";

export function LoginPage(props: { reason?: string; tokenMode?: boolean; onDone: () => void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [useToken, setUseToken] = useState(props.tokenMode ?? false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (useToken) {
        setBearer(token.trim());
        try {
          await api("GET", "auth/me");
        } catch (err) {
          setBearer(null);
          throw err;
        }
      } else {
        await api("POST", "auth/login", { username, password });
      }
      props.onDone();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        setError(useToken ? "The API token was rejected." : GENERIC_LOGIN_FAILURE);
      } else if (err instanceof ApiError && err.status === 429) {
        const wait = err.retryAfter !== null ? ` Try again in ${err.retryAfter} s.` : "";
        setError(`Too many failed sign-in attempts.${wait}`);
      } else if (err instanceof ApiError && err.status === 404) {
        setError("Password sign-in is disabled on this server; use an API token.");
      } else {
        setError(errorText(err));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="center">
      <form className="card narrow" onSubmit={submit} aria-label="Sign in">
        <h1>Cirrus CDN</h1>
        <h2>Sign in</h2>
        {props.reason && !error && <div className="banner info">{props.reason}</div>}
        {error && (
          <div className="banner error" role="alert" data-testid="login-error">
            {error}
          </div>
        )}
        {useToken ? (
          <label>
            <span className="field-label">API token</span>
            <input
              type="password"
              autoComplete="off"
              value={token}
              onChange={(e) => setToken(e.target.value)}
              required
            />
          </label>
        ) : (
          <>
            <label>
              <span className="field-label">Username</span>
              <input
                autoComplete="username"
                value={username}
                onChange={(e) => setUsername(e.target.value)}
                required
              />
            </label>
            <label>
              <span className="field-label">Password</span>
              <input
                type="password"
                autoComplete="current-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                required
              />
            </label>
          </>
        )}
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        <button
          type="button"
          className="link"
          onClick={() => {
            setUseToken(!useToken);
            setError(null);
          }}
        >
          {useToken ? "Sign in with username and password" : "Sign in with an API token"}
        </button>
      </form>
    </div>
  );
}
