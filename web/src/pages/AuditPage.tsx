// The audit log, newest first, one page of 50 at a time (GET audit?limit=&before=).
import { useCallback, useEffect, useState } from "react";
import { api, enc, errorText, formatTime, type AuditEntry } from "../api";
import { ErrorBanner } from "../components";

const PAGE = 50;

export function AuditPage() {
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const fetchPage = useCallback(async (before: string | null) => {
    try {
      const q = `audit?limit=${PAGE}${before ? `&before=${enc(before)}` : ""}`;
      const page = await api<{ entries: AuditEntry[]; next: string | null }>("GET", q);
      setEntries((old) => (before ? [...old, ...page.entries] : page.entries));
      setNext(page.next);
      setLoaded(true);
    } catch (e) {
      setError(errorText(e));
    }
  }, []);

  useEffect(() => {
    void fetchPage(null);
  }, [fetchPage]);

  return (
    <section>
      <div className="page-head">
        <h1>Audit log</h1>
        <button className="secondary" onClick={() => void fetchPage(null)}>
          Refresh
        </button>
      </div>
      <ErrorBanner error={error} />
      {loaded && entries.length === 0 && <p>No entry yet.</p>}
      {entries.length > 0 && (
        <table data-testid="audit-table">
          <thead>
            <tr>
              <th>Time</th>
              <th>Actor</th>
              <th>Via</th>
              <th>Action</th>
              <th>Target</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td>{formatTime(e.ts)}</td>
                <td>{e.actor}</td>
                <td>{e.method}</td>
                <td>{e.action}</td>
                <td>{e.target}</td>
                <td>
                  <code>{e.details && Object.keys(e.details as object).length > 0 ? JSON.stringify(e.details) : ""}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && (
        <button className="secondary" onClick={() => void fetchPage(next)}>
          Older entries
        </button>
      )}
    </section>
  );
}
