// Edge nodes: the registry DNS steering picks from (spec §7). Admins create, edit (PUT),
// enable/disable (PATCH) and delete nodes; health fields are read-only.
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { api, ApiError, enc, errorText, formatTime, type FieldErrors, type Node } from "../api";
import { ErrorBanner, Field, OtherFieldErrors } from "../components";
import { useSession } from "../session";

interface NodeForm {
  id: string;
  name: string;
  ipv4: string;
  ipv6: string;
  site: string;
  enabled: boolean;
}

const emptyNode = (): NodeForm => ({ id: "", name: "", ipv4: "", ipv6: "", site: "", enabled: true });

function toBody(f: NodeForm, editing: boolean): Record<string, unknown> {
  const opt = (s: string) => (s.trim() === "" ? null : s.trim());
  const body: Record<string, unknown> = {
    name: opt(f.name),
    ipv4: opt(f.ipv4),
    ipv6: opt(f.ipv6),
    site: opt(f.site),
    enabled: f.enabled,
  };
  if (!editing) body.id = f.id.trim();
  return body;
}

export function NodesPage() {
  const { isAdmin } = useSession();
  const [nodes, setNodes] = useState<Node[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null); // node id, or "" for a new node

  const load = useCallback(() => {
    api<Node[]>("GET", "nodes")
      .then((n) => setNodes([...n].sort((a, b) => a.id.localeCompare(b.id))))
      .catch((e) => setError(errorText(e)));
  }, []);
  useEffect(load, [load]);

  const act = async (method: string, id: string, body?: unknown, confirmText?: string) => {
    if (confirmText && !window.confirm(confirmText)) return;
    setError(null);
    try {
      await api(method, `nodes/${enc(id)}`, body);
      load();
    } catch (e) {
      setError(errorText(e));
    }
  };

  const current = editing && nodes ? nodes.find((n) => n.id === editing) : undefined;
  return (
    <section>
      <div className="page-head">
        <h1>Edge nodes</h1>
        {isAdmin && editing === null && <button onClick={() => setEditing("")}>Add node</button>}
      </div>
      <ErrorBanner error={error} />
      {isAdmin && editing !== null && (
        <NodeEditor
          node={current}
          onDone={() => {
            setEditing(null);
            load();
          }}
        />
      )}
      {nodes !== null && nodes.length === 0 && <p>No node yet.</p>}
      {nodes !== null && nodes.length > 0 && (
        <table data-testid="node-table">
          <thead>
            <tr>
              <th>ID</th>
              <th>Name</th>
              <th>Site</th>
              <th>IPv4</th>
              <th>IPv6</th>
              <th>Enabled</th>
              <th>Health</th>
              <th>Last check</th>
              {isAdmin && <th>Actions</th>}
            </tr>
          </thead>
          <tbody>
            {nodes.map((n) => (
              <tr key={n.id}>
                <td>{n.id}</td>
                <td>{n.name || "—"}</td>
                <td>{n.site ?? "default"}</td>
                <td>{n.ipv4 ?? "—"}</td>
                <td>{n.ipv6 ?? "—"}</td>
                <td>{n.enabled === false ? "no" : "yes"}</td>
                <td title={n.last_error ?? undefined}>
                  {n.active === false ? "down" : "up"} ({n.succs ?? 0}/{n.fails ?? 0})
                </td>
                <td>{formatTime(n.last_check)}</td>
                {isAdmin && (
                  <td className="actions">
                    <button className="secondary" onClick={() => setEditing(n.id)}>
                      Edit
                    </button>
                    <button className="secondary" onClick={() => void act("PATCH", n.id, { enabled: n.enabled === false })}>
                      {n.enabled === false ? "Enable" : "Disable"}
                    </button>
                    <button className="danger" onClick={() => void act("DELETE", n.id, undefined, `Delete node ${n.id}?`)}>
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

function NodeEditor(props: { node?: Node; onDone: () => void }) {
  const n = props.node;
  const [form, setForm] = useState<NodeForm>(
    n
      ? { id: n.id, name: n.name ?? "", ipv4: n.ipv4 ?? "", ipv6: n.ipv6 ?? "", site: n.site ?? "", enabled: n.enabled !== false }
      : emptyNode(),
  );
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const set = (patch: Partial<NodeForm>) => setForm({ ...form, ...patch });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setError(null);
    try {
      if (n) await api("PUT", `nodes/${enc(n.id)}`, toBody(form, true));
      else await api("POST", "nodes", toBody(form, false));
      props.onDone();
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) setErrors({ id: ["A node with this id exists."] });
      else if (err instanceof ApiError && Object.keys(err.fields).length > 0) setErrors(err.fields);
      else setError(errorText(err));
    }
  };

  return (
    <form className="card" onSubmit={submit} aria-label={n ? `Edit node ${n.id}` : "New node"} noValidate>
      <h2>{n ? `Edit node ${n.id}` : "New node"}</h2>
      <ErrorBanner error={error} />
      <OtherFieldErrors errors={errors} shown={(k) => ["id", "name", "ipv4", "ipv6", "site", "enabled"].includes(k)} />
      <div className="row">
        <Field name="id" label="ID" errors={errors} hint="a-z 0-9 . _ -">
          <input value={form.id} disabled={!!n} onChange={(e) => set({ id: e.target.value })} />
        </Field>
        <Field name="name" label="Name" errors={errors}>
          <input value={form.name} onChange={(e) => set({ name: e.target.value })} />
        </Field>
        <Field name="site" label="Site" errors={errors} hint="empty: default">
          <input value={form.site} onChange={(e) => set({ site: e.target.value })} />
        </Field>
      </div>
      <div className="row">
        <Field name="ipv4" label="IPv4" errors={errors}>
          <input value={form.ipv4} onChange={(e) => set({ ipv4: e.target.value })} />
        </Field>
        <Field name="ipv6" label="IPv6" errors={errors}>
          <input value={form.ipv6} onChange={(e) => set({ ipv6: e.target.value })} />
        </Field>
        <Field name="enabled" label="Enabled" errors={errors}>
          <input type="checkbox" checked={form.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
        </Field>
      </div>
      <div className="actions">
        <button type="submit">{n ? "Save node" : "Create node"}</button>
        <button type="button" className="secondary" onClick={props.onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
