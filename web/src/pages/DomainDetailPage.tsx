// One domain: its configuration, the CNAME the customer points at, purge, ACME status and
// issuance, and the certificate (metadata only; the key never leaves the API).
import { useCallback, useEffect, useState, type FormEvent } from "react";
import {
  api,
  ApiError,
  enc,
  errorText,
  formatTime,
  type AcmeStatus,
  type CertificateMeta,
  type CnameAnswer,
  type DomainConf,
  type FieldErrors,
  type Task,
} from "../api";
import { ErrorBanner, Field, Link, Notice, OtherFieldErrors } from "../components";
import { navigate } from "../router";
import { useSession } from "../session";

export function DomainDetailPage(props: { domain: string }) {
  const { isAdmin } = useSession();
  const [conf, setConf] = useState<DomainConf | null>(null);
  const [error, setError] = useState<string | null>(null);
  const path = `domains/${enc(props.domain)}`;

  useEffect(() => {
    api<DomainConf>("GET", path)
      .then(setConf)
      .catch((e) => setError(errorText(e)));
  }, [path]);

  const remove = async () => {
    if (!window.confirm(`Delete ${props.domain}? Its certificate and ACME state are deleted too.`)) return;
    try {
      await api("DELETE", path);
      navigate("/domains");
    } catch (e) {
      setError(errorText(e));
    }
  };

  if (!conf) {
    return (
      <section>
        <h1>{props.domain}</h1>
        {error ? <ErrorBanner error={error} /> : <p>Loading…</p>}
      </section>
    );
  }
  return (
    <section>
      <div className="page-head">
        <h1>{conf.domain}</h1>
        <Link to="/domains">All domains</Link>
        {isAdmin && (
          <>
            <Link to={`/domains/${enc(conf.domain)}/edit`} className="button">
              Edit
            </Link>
            <button className="danger" onClick={() => void remove()}>
              Delete
            </button>
          </>
        )}
      </div>
      <ErrorBanner error={error} />
      <div className="grid">
        <ConfigCard conf={conf} />
        <CnameCard path={path} />
        {isAdmin && <PurgeCard path={path} />}
        <AcmeCard path={path} />
        <CertificateCard path={path} />
      </div>
    </section>
  );
}

function ConfigCard(props: { conf: DomainConf }) {
  const c = props.conf;
  return (
    <div className="card">
      <h2>Configuration</h2>
      <dl>
        <dt>Enabled</dt>
        <dd>{c.enabled ? "yes" : "no"}</dd>
        <dt>Origins</dt>
        <dd>
          {c.origins.map((o, i) => (
            <div key={i}>
              {o.scheme}://{o.host}:{o.port} (weight {o.weight}
              {o.sni && o.sni !== o.host ? `, SNI ${o.sni}` : ""}
              {o.scheme === "https" && !o.verify_tls ? ", TLS not verified" : ""})
            </div>
          ))}
        </dd>
        <dt>Upstream headers</dt>
        <dd>
          {Object.keys(c.upstream_headers).length === 0
            ? "none"
            : Object.entries(c.upstream_headers).map(([k, v]) => <div key={k}>{`${k}: ${v}`}</div>)}
        </dd>
        <dt>Cache</dt>
        <dd>
          {c.cache.enable ? "enabled" : "disabled"}, default TTL {c.cache.default_ttl} s, query string{" "}
          {c.cache.query_string}
          {c.cache.bypass_on_cookie ? ", bypass on cookie" : ""}
          {c.cache.slice.enable ? `, slices of ${c.cache.slice.size} bytes` : ""}
        </dd>
        <dt>Cache rules</dt>
        <dd>
          {c.cache.rules.length === 0
            ? "none"
            : c.cache.rules.map((r, i) => (
                <div key={i}>
                  {r.match} <code>{r.pattern}</code> → {r.bypass ? "bypass" : `ttl ${r.ttl} s`}
                </div>
              ))}
        </dd>
        <dt>ACME</dt>
        <dd>{c.acme.enable ? "enabled" : "disabled"}</dd>
      </dl>
    </div>
  );
}

function CnameCard(props: { path: string }) {
  const [cname, setCname] = useState<CnameAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<CnameAnswer>("GET", `${props.path}/cname`)
      .then(setCname)
      .catch((e) => setError(e instanceof ApiError && e.status === 404 ? "DNS steering is disabled (no CNAME_BASE_DOMAIN)." : errorText(e)));
  }, [props.path]);
  return (
    <div className="card" data-testid="cname-card">
      <h2>CNAME</h2>
      {error && <p>{error}</p>}
      {cname && (
        <>
          <p>
            Point <code>{cname.domain}</code> at <code data-testid="cname-fqdn">{cname.fqdn}</code> (TTL {cname.ttl} s).
          </p>
          {cname.nodes.length === 0 ? (
            <p>No eligible edge node: the name has no address records.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>Node</th>
                  <th>Site</th>
                  <th>IPv4</th>
                  <th>IPv6</th>
                </tr>
              </thead>
              <tbody>
                {cname.nodes.map((n) => (
                  <tr key={n.id}>
                    <td>{n.id}</td>
                    <td>{n.site}</td>
                    <td>{n.ipv4 ?? "—"}</td>
                    <td>{n.ipv6 ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}

function PurgeCard(props: { path: string }) {
  const [mode, setMode] = useState<"paths" | "tags" | "all">("paths");
  const [text, setText] = useState("");
  const [soft, setSoft] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setError(null);
    setDone(null);
    const items = text
      .split("\n")
      .map((s) => s.trim())
      .filter((s) => s !== "");
    const body: Record<string, unknown> = mode === "all" ? { all: true } : { [mode]: items };
    if (soft) body.soft = true;
    setBusy(true);
    try {
      const r = await api<{ purges: unknown[]; ids: string[] }>("POST", `${props.path}/purge`, body);
      setDone(`Purge accepted: ${r.purges.length} purge${r.purges.length === 1 ? "" : "s"} queued${soft ? " (soft)" : ""}.`);
      setText("");
    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.fields).length > 0) setErrors(err.fields);
      else setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" onSubmit={submit} aria-label="Purge">
      <h2>Purge</h2>
      <Notice text={done} />
      <ErrorBanner error={error} />
      <OtherFieldErrors errors={errors} shown={(k) => /^(paths|tags|all|soft)(\.\d+)?$/.test(k)} />
      <div className="row" role="radiogroup" aria-label="Purge by">
        {(["paths", "tags", "all"] as const).map((m) => (
          <label key={m} className="inline">
            <input type="radio" name="purge-mode" value={m} checked={mode === m} onChange={() => setMode(m)} />
            {m === "paths" ? "Paths" : m === "tags" ? "Tags" : "Everything"}
          </label>
        ))}
      </div>
      {mode !== "all" && (
        <Field
          name={mode}
          label={mode === "paths" ? "Paths, one per line (a trailing * purges a prefix)" : "Cache tags, one per line"}
          errors={errors}
        >
          <textarea rows={3} value={text} onChange={(e) => setText(e.target.value)} placeholder={mode === "paths" ? "/img/a.png\n/css/*" : "product-42"} />
        </Field>
      )}
      {[0, 1, 2, 3, 4].map((i) =>
        errors[`${mode}.${i}`] ? (
          <div key={i} className="field-error" role="alert">
            line {i + 1}: {errors[`${mode}.${i}`].join("; ")}
          </div>
        ) : null,
      )}
      <label className="inline">
        <input type="checkbox" checked={soft} onChange={(e) => setSoft(e.target.checked)} />
        Soft purge (mark stale instead of removing)
      </label>
      <div className="actions">
        <button type="submit" disabled={busy}>
          Purge
        </button>
      </div>
    </form>
  );
}

const TASK_POLL_MS = 2000;
const TASK_POLL_LIMIT = 150; // five minutes, then the user can reload

function AcmeCard(props: { path: string }) {
  const { isAdmin } = useSession();
  const [status, setStatus] = useState<AcmeStatus | null>(null);
  const [task, setTask] = useState<Task | null>(null);
  const [taskId, setTaskId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    api<AcmeStatus>("GET", `${props.path}/acme`)
      .then(setStatus)
      .catch((e) => setError(errorText(e)));
  }, [props.path]);
  useEffect(load, [load]);

  useEffect(() => {
    if (!taskId) return;
    let polls = 0;
    let stopped = false;
    const tick = async () => {
      try {
        const t = await api<Task>("GET", `tasks/${enc(taskId)}`);
        if (stopped) return;
        setTask(t);
        if (t.status === "succeeded" || t.status === "failed") {
          load();
          return;
        }
      } catch (e) {
        if (!stopped) setError(errorText(e));
      }
      if (!stopped && ++polls < TASK_POLL_LIMIT) timer = window.setTimeout(tick, TASK_POLL_MS);
    };
    let timer = window.setTimeout(tick, 0);
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [taskId, load]);

  const issue = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ task_id: string }>("POST", `${props.path}/acme`);
      setTaskId(r.task_id);
      load();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="card" data-testid="acme-card">
      <h2>ACME certificate</h2>
      <ErrorBanner error={error} />
      {status && (
        <dl>
          <dt>Status</dt>
          <dd data-testid="acme-status">{status.status}</dd>
          {status.error && (
            <>
              <dt>Error</dt>
              <dd>{status.error}</dd>
            </>
          )}
          {status.issued_at ? (
            <>
              <dt>Issued</dt>
              <dd>{formatTime(status.issued_at)}</dd>
            </>
          ) : null}
          {status.cname && (
            <>
              <dt>DNS record to create</dt>
              <dd>
                <code>
                  {status.cname.name} CNAME {status.cname.target}
                </code>
              </dd>
            </>
          )}
        </dl>
      )}
      {taskId && (
        <p data-testid="acme-task">
          Task <code>{taskId}</code>: {task ? task.status : "queued"}
          {task?.error ? ` — ${task.error}` : ""}
        </p>
      )}
      {isAdmin && (
        <button onClick={() => void issue()} disabled={busy}>
          Issue certificate
        </button>
      )}
    </div>
  );
}

function CertificateCard(props: { path: string }) {
  const { isAdmin } = useSession();
  const [meta, setMeta] = useState<CertificateMeta | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [fullchain, setFullchain] = useState("");
  const [key, setKey] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [done, setDone] = useState<string | null>(null);
  const [showUpload, setShowUpload] = useState(false);

  const load = useCallback(() => {
    api<CertificateMeta>("GET", `${props.path}/certificate`)
      .then(setMeta)
      .catch((e) => (e instanceof ApiError && e.status === 404 ? setMeta(null) : setError(errorText(e))));
  }, [props.path]);
  useEffect(load, [load]);

  const upload = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setError(null);
    setDone(null);
    try {
      setMeta(await api<CertificateMeta>("PUT", `${props.path}/certificate`, { fullchain, key }));
      setFullchain("");
      setKey("");
      setShowUpload(false);
      setDone("Certificate uploaded.");
    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.fields).length > 0) setErrors(err.fields);
      else setError(errorText(err));
    }
  };

  const remove = async () => {
    if (!window.confirm("Delete the certificate? The edge stops serving HTTPS for this domain.")) return;
    try {
      await api("DELETE", `${props.path}/certificate`);
      setMeta(null);
      setDone("Certificate deleted.");
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <div className="card" data-testid="certificate-card">
      <h2>Certificate</h2>
      <Notice text={done} />
      <ErrorBanner error={error} />
      {meta === null && <p>No certificate.</p>}
      {meta && (
        <dl>
          <dt>Source</dt>
          <dd>{meta.source}</dd>
          <dt>Issuer</dt>
          <dd>{meta.issuer}</dd>
          {meta.names && (
            <>
              <dt>Names</dt>
              <dd>{meta.names.join(", ")}</dd>
            </>
          )}
          <dt>Valid</dt>
          <dd>
            {formatTime(meta.not_before)} – {formatTime(meta.not_after)}
          </dd>
          <dt>Updated</dt>
          <dd>{formatTime(meta.updated_at)}</dd>
        </dl>
      )}
      {isAdmin && (
        <div className="actions">
          <button className="secondary" onClick={() => setShowUpload(!showUpload)}>
            {showUpload ? "Cancel upload" : "Upload certificate"}
          </button>
          {meta && (
            <button className="danger" onClick={() => void remove()}>
              Delete certificate
            </button>
          )}
        </div>
      )}
      {isAdmin && showUpload && (
        <form onSubmit={upload} aria-label="Upload certificate">
          <OtherFieldErrors errors={errors} shown={(k) => k === "fullchain" || k === "key"} />
          <Field name="fullchain" label="Full chain (PEM, leaf first)" errors={errors}>
            <textarea rows={5} value={fullchain} onChange={(e) => setFullchain(e.target.value)} />
          </Field>
          <Field name="key" label="Private key (PEM)" errors={errors}>
            <textarea rows={5} value={key} onChange={(e) => setKey(e.target.value)} />
          </Field>
          <button type="submit">Upload</button>
        </form>
      )}
    </div>
  );
}
