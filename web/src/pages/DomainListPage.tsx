// Domains: every DomainConf with its origins and cache summary; admins can add one.
import { useEffect, useState } from "react";
import { api, enc, errorText, type DomainConf } from "../api";
import { ErrorBanner, Link } from "../components";
import { useSession } from "../session";

export function DomainListPage() {
  const { isAdmin } = useSession();
  const [domains, setDomains] = useState<DomainConf[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api<DomainConf[]>("GET", "domains")
      .then((d) => setDomains([...d].sort((a, b) => a.domain.localeCompare(b.domain))))
      .catch((e) => setError(errorText(e)));
  }, []);

  return (
    <section>
      <div className="page-head">
        <h1>Domains</h1>
        {isAdmin && (
          <Link to="/domains/new" className="button">
            Add domain
          </Link>
        )}
      </div>
      <ErrorBanner error={error} />
      {domains === null && !error && <p>Loading…</p>}
      {domains !== null && domains.length === 0 && <p>No domain yet.</p>}
      {domains !== null && domains.length > 0 && (
        <table data-testid="domain-table">
          <thead>
            <tr>
              <th>Domain</th>
              <th>Enabled</th>
              <th>Origins</th>
              <th>Cache</th>
              <th>ACME</th>
            </tr>
          </thead>
          <tbody>
            {domains.map((d) => (
              <tr key={d.domain}>
                <td>
                  <Link to={`/domains/${enc(d.domain)}`}>{d.domain}</Link>
                </td>
                <td>{d.enabled ? "yes" : "no"}</td>
                <td>{d.origins.map((o) => `${o.scheme}://${o.host}:${o.port}`).join(", ")}</td>
                <td>
                  {d.cache.enable ? `on, ${d.cache.rules.length} rule${d.cache.rules.length === 1 ? "" : "s"}` : "off"}
                </td>
                <td>{d.acme.enable ? "on" : "off"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
