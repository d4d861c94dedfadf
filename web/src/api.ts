// The REST client of the admin UI: every call goes to /api/v1 on the same origin, with the
// session cookie, or with a bearer token when the user signed in with an API token (kept in
// sessionStorage for this tab only). Mutating requests always carry
// `Content-Type: application/json`, which the API's CSRF guard requires for cookie sessions.

export type Role = "admin" | "viewer";

export interface Me {
  username: string;
  role: Role;
  method: "session" | "token" | "master" | "bootstrap";
}

export interface Origin {
  scheme?: "http" | "https";
  host: string;
  port?: number;
  sni?: string;
  weight?: number;
  verify_tls?: boolean;
}

export interface CacheRule {
  match: "prefix" | "suffix" | "exact" | "regex";
  pattern: string;
  ttl?: number;
  bypass?: boolean;
}

export interface DomainConf {
  domain: string;
  enabled: boolean;
  origins: Origin[];
  upstream_headers: Record<string, string>;
  cache: {
    enable: boolean;
    default_ttl: number;
    bypass_on_cookie: boolean;
    rules: CacheRule[];
    slice: { enable: boolean; size: number };
    query_string: "include" | "ignore" | "sorted";
  };
  acme: { enable: boolean };
}

export interface CnameAnswer {
  domain: string;
  fqdn: string;
  ttl: number;
  nodes: { id: string; ipv4: string | null; ipv6: string | null; site: string }[];
}

export interface AcmeStatus {
  domain: string;
  status: "none" | "pending" | "running" | "issued" | "failed";
  task_id?: string | null;
  error?: string | null;
  issued_at?: number | null;
  updated_at?: number;
  cname?: { name: string; target: string } | null;
}

export interface CertificateMeta {
  domain: string;
  names?: string[];
  issuer: string;
  not_before: number;
  not_after: number;
  source: "acme" | "upload";
  updated_at: number;
}

export interface Task {
  id: string;
  name: string;
  status: "queued" | "running" | "retrying" | "succeeded" | "failed";
  attempts?: number;
  error?: string | null;
  created_at?: number;
  updated_at?: number;
}

export interface Node {
  id: string;
  name?: string | null;
  ipv4?: string | null;
  ipv6?: string | null;
  site?: string | null;
  enabled?: boolean | null;
  active?: boolean;
  fails?: number;
  succs?: number;
  last_check?: number | null;
  last_error?: string | null;
}

export interface User {
  username: string;
  role: Role;
  created_at: number;
}

export interface Token {
  id: string;
  name: string;
  suffix: string;
  role: Role;
  created_at: number;
  created_by: string;
}

export interface AuditEntry {
  id: string;
  ts: number;
  actor: string;
  method: string;
  action: string;
  target: string;
  details?: unknown;
}

export interface FieldError {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/// Field errors keyed by their dotted path without the leading "body" ("origins.0.port").
export type FieldErrors = Record<string, string[]>;

export function fieldKey(loc: (string | number)[]): string {
  const parts = loc[0] === "body" || loc[0] === "path" || loc[0] === "query" ? loc.slice(1) : loc;
  return parts.join(".");
}

export class ApiError extends Error {
  readonly status: number;
  readonly fields: FieldErrors;
  readonly retryAfter: number | null;

  constructor(status: number, message: string, fields: FieldErrors, retryAfter: number | null) {
    super(message);
    this.status = status;
    this.fields = fields;
    this.retryAfter = retryAfter;
  }
}

const TOKEN_KEY = "cirrus.bearer";
let bearer: string | null = sessionStorage.getItem(TOKEN_KEY);
let onUnauthorized: (() => void) | null = null;

export function setBearer(token: string | null): void {
  bearer = token;
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export function usingBearer(): boolean {
  return bearer !== null;
}

/// Called when a request answers 401 (session expired or token revoked).
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

async function errorFrom(res: Response): Promise<ApiError> {
  let detail: unknown = null;
  try {
    detail = (await res.json())?.detail;
  } catch {
    // not JSON: keep the status text
  }
  const retry = res.headers.get("Retry-After");
  const retryAfter = retry !== null && /^\d+$/.test(retry) ? Number(retry) : null;
  if (Array.isArray(detail)) {
    const fields: FieldErrors = {};
    for (const e of detail as FieldError[]) {
      const key = fieldKey(e.loc ?? []);
      (fields[key] ??= []).push(e.msg);
    }
    const summary = (detail as FieldError[]).map((e) => `${fieldKey(e.loc) || "request"}: ${e.msg}`);
    return new ApiError(res.status, summary.join("; "), fields, retryAfter);
  }
  const message = typeof detail === "string" ? detail : `${res.status} ${res.statusText}`;
  return new ApiError(res.status, message, {}, retryAfter);
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (method !== "GET" && method !== "HEAD") headers["Content-Type"] = "application/json";
  if (bearer) headers["Authorization"] = `Bearer ${bearer}`;
  const res = await fetch(`/api/v1/${path}`, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) {
    const err = await errorFrom(res);
    if (res.status === 401 && path !== "auth/login" && path !== "auth/me" && onUnauthorized) {
      onUnauthorized();
    }
    throw err;
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const enc = encodeURIComponent;

export function formatTime(unix: number | null | undefined): string {
  if (unix === null || unix === undefined || unix === 0) return "—";
  return new Date(unix * 1000).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
