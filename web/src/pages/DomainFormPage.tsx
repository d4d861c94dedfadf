// Create (POST domains) or edit (PUT domains/{domain}) a DomainConf (spec §5). Numbers are sent
// as typed so the API, which owns validation, reports every problem as a 422 field error; each
// is shown next to its field (loc "origins.0.port" → the port input of the first origin).
import { useEffect, useState, type FormEvent } from "react";
import { api, ApiError, enc, errorText, type CacheRule, type DomainConf, type FieldErrors } from "../api";
import { ErrorBanner, Field, Link, OtherFieldErrors } from "../components";
import { navigate } from "../router";
import { useSession } from "../session";

interface OriginForm {
  scheme: "http" | "https";
  host: string;
  port: string;
  sni: string;
  weight: string;
  verify_tls: boolean;
}

interface RuleForm {
  match: CacheRule["match"];
  pattern: string;
  action: "ttl" | "bypass";
  ttl: string;
}

interface HeaderForm {
  name: string;
  value: string;
}

interface Form {
  domain: string;
  enabled: boolean;
  origins: OriginForm[];
  headers: HeaderForm[];
  cacheEnable: boolean;
  defaultTtl: string;
  bypassOnCookie: boolean;
  queryString: DomainConf["cache"]["query_string"];
  sliceEnable: boolean;
  sliceSize: string;
  rules: RuleForm[];
  acmeEnable: boolean;
}

const emptyOrigin = (): OriginForm => ({ scheme: "https", host: "", port: "", sni: "", weight: "", verify_tls: true });

const emptyForm = (): Form => ({
  domain: "",
  enabled: true,
  origins: [emptyOrigin()],
  headers: [],
  cacheEnable: true,
  defaultTtl: "0",
  bypassOnCookie: true,
  queryString: "include",
  sliceEnable: false,
  sliceSize: String(1024 * 1024),
  rules: [],
  acmeEnable: true,
});

function fromConf(c: DomainConf): Form {
  return {
    domain: c.domain,
    enabled: c.enabled,
    origins: c.origins.map((o) => ({
      scheme: o.scheme ?? "https",
      host: o.host,
      port: o.port === undefined ? "" : String(o.port),
      sni: o.sni ?? "",
      weight: o.weight === undefined ? "" : String(o.weight),
      verify_tls: o.verify_tls ?? true,
    })),
    headers: Object.entries(c.upstream_headers).map(([name, value]) => ({ name, value })),
    cacheEnable: c.cache.enable,
    defaultTtl: String(c.cache.default_ttl),
    bypassOnCookie: c.cache.bypass_on_cookie,
    queryString: c.cache.query_string,
    sliceEnable: c.cache.slice.enable,
    sliceSize: String(c.cache.slice.size),
    rules: c.cache.rules.map((r) => ({
      match: r.match,
      pattern: r.pattern,
      action: r.bypass ? "bypass" : "ttl",
      ttl: r.ttl === undefined ? "" : String(r.ttl),
    })),
    acmeEnable: c.acme.enable,
  };
}

// A whole number as a number; anything else as typed, for the API to reject at that field.
function num(s: string): number | string {
  const t = s.trim();
  return /^-?\d+$/.test(t) ? Number(t) : t;
}

function toBody(f: Form, editing: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    enabled: f.enabled,
    origins: f.origins.map((o) => {
      const out: Record<string, unknown> = { scheme: o.scheme, host: o.host.trim() };
      if (o.port.trim() !== "") out.port = num(o.port);
      if (o.sni.trim() !== "") out.sni = o.sni.trim();
      if (o.weight.trim() !== "") out.weight = num(o.weight);
      out.verify_tls = o.verify_tls;
      return out;
    }),
    upstream_headers: Object.fromEntries(f.headers.filter((h) => h.name.trim() !== "").map((h) => [h.name.trim(), h.value])),
    cache: {
      enable: f.cacheEnable,
      default_ttl: num(f.defaultTtl === "" ? "0" : f.defaultTtl),
      bypass_on_cookie: f.bypassOnCookie,
      query_string: f.queryString,
      slice: { enable: f.sliceEnable, size: num(f.sliceSize) },
      rules: f.rules.map((r) =>
        r.action === "bypass"
          ? { match: r.match, pattern: r.pattern, bypass: true }
          : { match: r.match, pattern: r.pattern, ttl: num(r.ttl) },
      ),
    },
    acme: { enable: f.acmeEnable },
  };
  if (!editing) body.domain = f.domain.trim();
  return body;
}

const SHOWN = [
  /^domain$/,
  /^enabled$/,
  /^origins(\.\d+(\.(scheme|host|port|sni|weight|verify_tls))?)?$/,
  /^upstream_headers(\..*)?$/,
  /^cache(\.(enable|default_ttl|bypass_on_cookie|query_string|slice|slice\.enable|slice\.size))?$/,
  /^cache\.rules(\.\d+(\.(match|pattern|ttl|bypass))?)?$/,
  /^acme(\.enable)?$/,
];
const shown = (k: string) => SHOWN.some((re) => re.test(k));

function SectionErrors(props: { name: string; errors: FieldErrors }) {
  const errs = props.errors[props.name];
  if (!errs) return null;
  return (
    <div className="field-error" role="alert" data-field={props.name}>
      {errs.join("; ")}
    </div>
  );
}

export function DomainFormPage(props: { domain?: string }) {
  const editing = props.domain !== undefined;
  const { isAdmin } = useSession();
  const [form, setForm] = useState<Form | null>(editing ? null : emptyForm());
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!editing) return;
    api<DomainConf>("GET", `domains/${enc(props.domain!)}`)
      .then((c) => setForm(fromConf(c)))
      .catch((e) => setError(errorText(e)));
  }, [editing, props.domain]);

  if (!isAdmin) return <p>Viewers cannot change domains.</p>;
  if (form === null) return error ? <ErrorBanner error={error} /> : <p>Loading…</p>;

  const set = (patch: Partial<Form>) => setForm({ ...form, ...patch });
  const setOrigin = (i: number, patch: Partial<OriginForm>) =>
    set({ origins: form.origins.map((o, j) => (j === i ? { ...o, ...patch } : o)) });
  const setRule = (i: number, patch: Partial<RuleForm>) =>
    set({ rules: form.rules.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  const setHeader = (i: number, patch: Partial<HeaderForm>) =>
    set({ headers: form.headers.map((h, j) => (j === i ? { ...h, ...patch } : h)) });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setError(null);
    try {
      const saved = editing
        ? await api<DomainConf>("PUT", `domains/${enc(props.domain!)}`, toBody(form, true))
        : await api<DomainConf>("POST", "domains", toBody(form, false));
      navigate(`/domains/${enc(saved.domain)}`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 422 && Object.keys(err.fields).length > 0) {
        setErrors(err.fields);
        setError("The domain was not saved: please correct the fields marked below.");
      } else if (err instanceof ApiError && err.status === 409) {
        setErrors({ domain: ["This domain already exists."] });
      } else {
        setError(errorText(err));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <div className="page-head">
        <h1>{editing ? `Edit ${props.domain}` : "Add domain"}</h1>
        <Link to={editing ? `/domains/${enc(props.domain!)}` : "/domains"}>Cancel</Link>
      </div>
      <form onSubmit={submit} className="card" aria-label="Domain configuration" noValidate>
        <ErrorBanner error={error} />
        <OtherFieldErrors errors={errors} shown={shown} />
        <fieldset>
          <legend>Domain</legend>
          <Field name="domain" label="Domain name" errors={errors}>
            <input
              value={form.domain}
              onChange={(e) => set({ domain: e.target.value })}
              disabled={editing}
              placeholder="www.example.com"
            />
          </Field>
          <Field name="enabled" label="Enabled" errors={errors}>
            <input type="checkbox" checked={form.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
          </Field>
          <Field name="acme.enable" label="Automatic certificate (ACME)" errors={errors}>
            <input
              type="checkbox"
              checked={form.acmeEnable}
              onChange={(e) => set({ acmeEnable: e.target.checked })}
            />
          </Field>
        </fieldset>

        <fieldset>
          <legend>Origins</legend>
          <SectionErrors name="origins" errors={errors} />
          {form.origins.map((o, i) => (
            <div className="row" key={i} data-testid={`origin-${i}`}>
              <SectionErrors name={`origins.${i}`} errors={errors} />
              <Field name={`origins.${i}.scheme`} label="Scheme" errors={errors}>
                <select
                  value={o.scheme}
                  onChange={(e) => setOrigin(i, { scheme: e.target.value as OriginForm["scheme"] })}
                >
                  <option value="https">https</option>
                  <option value="http">http</option>
                </select>
              </Field>
              <Field name={`origins.${i}.host`} label="Host" errors={errors}>
                <input value={o.host} onChange={(e) => setOrigin(i, { host: e.target.value })} placeholder="origin.example.com" />
              </Field>
              <Field name={`origins.${i}.port`} label="Port" errors={errors} hint="empty: 80/443">
                <input className="short" inputMode="numeric" value={o.port} onChange={(e) => setOrigin(i, { port: e.target.value })} />
              </Field>
              <Field name={`origins.${i}.sni`} label="SNI" errors={errors} hint="empty: host">
                <input value={o.sni} onChange={(e) => setOrigin(i, { sni: e.target.value })} />
              </Field>
              <Field name={`origins.${i}.weight`} label="Weight" errors={errors} hint="empty: 1">
                <input className="short" inputMode="numeric" value={o.weight} onChange={(e) => setOrigin(i, { weight: e.target.value })} />
              </Field>
              <Field name={`origins.${i}.verify_tls`} label="Verify TLS" errors={errors}>
                <input type="checkbox" checked={o.verify_tls} onChange={(e) => setOrigin(i, { verify_tls: e.target.checked })} />
              </Field>
              <button
                type="button"
                className="secondary"
                onClick={() => set({ origins: form.origins.filter((_, j) => j !== i) })}
                disabled={form.origins.length === 1}
              >
                Remove
              </button>
            </div>
          ))}
          <button type="button" className="secondary" onClick={() => set({ origins: [...form.origins, emptyOrigin()] })}>
            Add origin
          </button>
        </fieldset>

        <fieldset>
          <legend>Upstream headers</legend>
          <SectionErrors name="upstream_headers" errors={errors} />
          {form.headers.map((h, i) => (
            <div className="row" key={i}>
              <Field name={`upstream_headers.${h.name.trim()}`} label="Name" errors={errors}>
                <input value={h.name} onChange={(e) => setHeader(i, { name: e.target.value })} />
              </Field>
              <Field name={`upstream_headers.${h.name.trim()}.value`} label="Value" errors={errors}>
                <input value={h.value} onChange={(e) => setHeader(i, { value: e.target.value })} />
              </Field>
              <button type="button" className="secondary" onClick={() => set({ headers: form.headers.filter((_, j) => j !== i) })}>
                Remove
              </button>
            </div>
          ))}
          <button type="button" className="secondary" onClick={() => set({ headers: [...form.headers, { name: "", value: "" }] })}>
            Add header
          </button>
        </fieldset>

        <fieldset>
          <legend>Cache</legend>
          <SectionErrors name="cache" errors={errors} />
          <div className="row">
            <Field name="cache.enable" label="Caching enabled" errors={errors}>
              <input type="checkbox" checked={form.cacheEnable} onChange={(e) => set({ cacheEnable: e.target.checked })} />
            </Field>
            <Field name="cache.bypass_on_cookie" label="Bypass on cookie" errors={errors}>
              <input type="checkbox" checked={form.bypassOnCookie} onChange={(e) => set({ bypassOnCookie: e.target.checked })} />
            </Field>
            <Field name="cache.default_ttl" label="Default TTL (s)" errors={errors} hint="0: RFC 9111 only">
              <input className="short" inputMode="numeric" value={form.defaultTtl} onChange={(e) => set({ defaultTtl: e.target.value })} />
            </Field>
            <Field name="cache.query_string" label="Query string" errors={errors}>
              <select value={form.queryString} onChange={(e) => set({ queryString: e.target.value as Form["queryString"] })}>
                <option value="include">include</option>
                <option value="ignore">ignore</option>
                <option value="sorted">sorted</option>
              </select>
            </Field>
          </div>
          <div className="row">
            <SectionErrors name="cache.slice" errors={errors} />
            <Field name="cache.slice.enable" label="Range slicing" errors={errors}>
              <input type="checkbox" checked={form.sliceEnable} onChange={(e) => set({ sliceEnable: e.target.checked })} />
            </Field>
            <Field name="cache.slice.size" label="Slice size (bytes)" errors={errors} hint="power of two, 64 KiB–64 MiB">
              <input inputMode="numeric" value={form.sliceSize} onChange={(e) => set({ sliceSize: e.target.value })} />
            </Field>
          </div>
          <h3>Rules (first match wins)</h3>
          <SectionErrors name="cache.rules" errors={errors} />
          {form.rules.map((r, i) => (
            <div className="row" key={i} data-testid={`rule-${i}`}>
              <SectionErrors name={`cache.rules.${i}`} errors={errors} />
              <Field name={`cache.rules.${i}.match`} label="Match" errors={errors}>
                <select value={r.match} onChange={(e) => setRule(i, { match: e.target.value as RuleForm["match"] })}>
                  <option value="prefix">prefix</option>
                  <option value="suffix">suffix</option>
                  <option value="exact">exact</option>
                  <option value="regex">regex</option>
                </select>
              </Field>
              <Field name={`cache.rules.${i}.pattern`} label="Pattern" errors={errors}>
                <input value={r.pattern} onChange={(e) => setRule(i, { pattern: e.target.value })} placeholder="/static/" />
              </Field>
              <Field name={`cache.rules.${i}.bypass`} label="Action" errors={errors}>
                <select value={r.action} onChange={(e) => setRule(i, { action: e.target.value as RuleForm["action"] })}>
                  <option value="ttl">cache for TTL</option>
                  <option value="bypass">bypass cache</option>
                </select>
              </Field>
              {r.action === "ttl" && (
                <Field name={`cache.rules.${i}.ttl`} label="TTL (s)" errors={errors}>
                  <input className="short" inputMode="numeric" value={r.ttl} onChange={(e) => setRule(i, { ttl: e.target.value })} />
                </Field>
              )}
              <button type="button" className="secondary" onClick={() => set({ rules: form.rules.filter((_, j) => j !== i) })}>
                Remove
              </button>
            </div>
          ))}
          <button
            type="button"
            className="secondary"
            onClick={() => set({ rules: [...form.rules, { match: "prefix", pattern: "", action: "ttl", ttl: "60" }] })}
          >
            Add rule
          </button>
        </fieldset>

        <div className="actions">
          <button type="submit" disabled={busy}>
            {editing ? "Save changes" : "Create domain"}
          </button>
        </div>
      </form>
    </section>
  );
}
